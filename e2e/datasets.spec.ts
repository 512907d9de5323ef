import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { Lab } from './lab';

/** An IDX file of unsigned bytes, written by the test (magic 0x800 + rank, big-endian sizes). */
function idx(dims: number[], fill: (i: number) => number): Buffer {
  const n = dims.reduce((a, b) => a * b, 1);
  const b = Buffer.alloc(4 + 4 * dims.length + n);
  b.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < n; i++) b[4 + 4 * dims.length + i] = fill(i);
  return b;
}

const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const fashion = (train: number, test: number) => [
  file('train-images-idx3-ubyte.gz', gzipSync(idx([train, 28, 28], (i) => (i * 7) % 256))),
  file(
    'train-labels-idx1-ubyte',
    idx([train], (i) => i % 10),
  ),
  file(
    't10k-images-idx3-ubyte',
    idx([test, 28, 28], (i) => (i * 5) % 256),
  ),
  file(
    't10k-labels-idx1-ubyte',
    idx([test], (i) => i % 10),
  ),
];

test('dropped dataset files are checked: a bad file gets a clear error naming it; good files train the ConvNet', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('task', { exact: true }).selectOption('fashion-convnet');
  const input = page.getByLabel('dataset files');
  // A truncated images file, a wrong file name, and labels that do not match the images.
  const truncated = fashion(40, 10);
  truncated[2] = file('t10k-images-idx3-ubyte', idx([10, 28, 28], () => 1).subarray(0, 3000));
  await input.setInputFiles(truncated);
  await expect(page.getByTestId('dataset.error')).toHaveText(
    't10k-images-idx3-ubyte: is truncated: the header promises 7840 bytes of data (10×28×28), the file has 2984.',
  );
  await input.setInputFiles([file('notes.txt', Buffer.from('hello'))]);
  await expect(page.getByTestId('dataset.error')).toContainText('notes.txt: is not a file of Fashion-MNIST');
  const mismatched = fashion(40, 10);
  mismatched[1] = file(
    'train-labels-idx1-ubyte',
    idx([39], () => 0),
  );
  await input.setInputFiles(mismatched);
  await expect(page.getByTestId('dataset.error')).toHaveText(
    'train-labels-idx1-ubyte: has 39 labels but train-images-idx3-ubyte has 40 images.',
  );
  // Good files (one of them gzipped).
  await input.setInputFiles(fashion(40, 10));
  await expect(page.getByTestId('dataset.ok')).toHaveText('Fashion-MNIST from your files: 40 training and 10 test images.');
  await page.getByLabel('batch size of task').fill('10');
  await page.getByRole('button', { name: 'Remove run b' }).click();
  await lab.setSteps(3);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done', 100_000);
  const run = (await lab.run('a.1'))!;
  // On a software WebGPU adapter (SwiftShader) auto picks WASM, which trains convolutions with the lab's kernels.
  expect(run.backend).toBe('wasm');
  expect(run.fallbackReason ?? '').not.toMatch(/Conv2DBackpropFilter|cannot train/);
  expect(Number.isFinite(run.last.loss!)).toBe(true);
  expect(lab.realErrors()).toEqual([]);
});
