/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { datasets } from './datasets/vitePlugin.ts';

// WASM threads need cross-origin isolation on both the dev and the preview server.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The production Content-Security-Policy (also documented in README.md for deployment): no eval anywhere;
 * 'wasm-unsafe-eval' only so tfjs's WASM backend can compile its module; workers and scripts from this
 * origin; blob: images for PNG export. The dev server does not use it (Vite's HMR injects inline scripts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export default defineConfig({
  plugins: [react(), datasets()],
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  worker: { format: 'es' },
  build: {
    rollupOptions: { input: { lab: 'index.html', teach: 'teach.html', bench: 'bench.html' } },
  },
  optimizeDeps: {
    // Imported only from workers; listed so the dev server does not reload the page when it finds them.
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts', 'datasets/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // tfjs keeps global engine state; one file at a time per worker keeps memory counts honest.
    pool: 'forks',
  },
});
