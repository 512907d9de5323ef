/**
 * What the browser benchmarks and scripts share: the production build served by `vite preview` on a port of
 * their own, and Debian's Chromium (Playwright's own browser download fails on these machines) started as the
 * e2e tests start it.
 */
import { chromium, type Browser } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';

/** Serves dist/ on `port` (the caller kills it); resolves once the server has had time to listen. */
export async function startPreview(port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 1500));
  return server;
}

/** Debian's Chromium (or CHROMIUM_PATH), headless; `webgpu` adds --enable-unsafe-webgpu (SwiftShader without a GPU). */
export function launchChromium({ webgpu }: { webgpu: boolean }): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    ],
  });
}
