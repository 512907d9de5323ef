import { defineConfig } from '@playwright/test';

// Playwright's own browser download fails on these machines: drive Debian's Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
const port = 4173;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: { baseURL: `http://localhost:${port}` },
  // The e2e server is the production build: workers bundle differently there.
  webServer: {
    command: `node node_modules/vite/bin/vite.js preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  // `webgpu` and `default` enable WebGPU (SwiftShader's fallback adapter on a machine without a GPU). `webgpu`
  // runs the specs tagged @webgpu, which force the WebGPU backend; `default` runs the rest with the automatic
  // choice, which is WASM on a fallback adapter. `no-webgpu` runs the specs tagged @no-webgpu without it.
  projects: [
    {
      name: 'webgpu',
      grep: /@webgpu/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args: [...args, '--enable-unsafe-webgpu'] } },
    },
    {
      // Chromium as most people start it on a machine without a GPU: no WebGPU, WebGL in software.
      name: 'no-webgpu',
      grep: /@no-webgpu/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args } },
    },
    {
      name: 'default',
      grepInvert: /@webgpu|@no-webgpu/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args: [...args, '--enable-unsafe-webgpu'] } },
    },
  ],
});
