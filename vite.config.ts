/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { datasets } from './datasets/vitePlugin.ts';

// WASM threads need cross-origin isolation on both the dev and the preview server.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), datasets()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    rollupOptions: { input: { lab: 'index.html', teach: 'teach.html' } },
  },
  optimizeDeps: {
    // Imported only from workers; listed so the dev server does not reload the page when it finds them.
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    // tfjs keeps global engine state; one file at a time per worker keeps memory counts honest.
    pool: 'forks',
  },
});
