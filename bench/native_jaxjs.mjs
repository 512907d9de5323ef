// The live browser engine people would pick instead of tfjs, for `npm run bench:native` only: jax-js (npm
// @jax-js/jax, a dev dependency) on its Wasm backend, the MNIST MLP (784-300-100-10, ReLU, batch 64, random data)
// with Adam (lr 1e-3, eps 1e-4, bias-corrected) or plain SGD (lr 0.01), the whole step under one jit, which fuses
// its kernels. Reads "adam <N>" or "sgd <N>" lines on stdin and answers each with the ms/step of N steps, like
// native_torch.py.
import { createInterface } from 'node:readline';

// jax-js reads navigator.hardwareConcurrency, which Node 20 does not define; one thread, as PyTorch gets.
globalThis.navigator ??= { hardwareConcurrency: 1 };
const { numpy: np, nn, jit, grad, init, defaultDevice, tree, blockUntilReady } = await import('@jax-js/jax');
const devices = await init();
if (!devices.includes('wasm')) throw new Error(`jax-js has no wasm device here (${devices.join(', ')})`);
defaultDevice('wasm');

let seed = 1;
const uniform = (n, scale) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 16807) % 2147483647;
    a[i] = ((seed / 2147483647) * 2 - 1) * scale;
  }
  return a;
};
const sizes = [784, 300, 100, 10];
let params = [];
for (let i = 0; i < 3; i++) {
  params.push(np.array(uniform(sizes[i] * sizes[i + 1], Math.sqrt(6 / sizes[i]))).reshape([sizes[i], sizes[i + 1]]));
  params.push(np.zeros([sizes[i + 1]]));
}
let m = params.map((p) => np.zerosLike(p.ref));
let v = params.map((p) => np.zerosLike(p.ref));
const batches = [0, 1, 2, 3].map(() => ({
  x: np.array(uniform(64 * 784, 1)).reshape([64, 784]),
  y: nn.oneHot(
    np.array(
      Int32Array.from({ length: 64 }, (_, i) => (i * 7 + seed) % 10),
      { dtype: np.int32 },
    ),
    10,
  ),
}));

function loss(p, x, y) {
  const [w1, b1, w2, b2, w3, b3] = p;
  const h1 = nn.relu(np.matmul(x, w1).add(b1));
  const h2 = nn.relu(np.matmul(h1, w2).add(b2));
  return nn
    .logSoftmax(np.matmul(h2, w3).add(b3), -1)
    .mul(y)
    .sum()
    .mul(-1 / 64);
}
// Adam with the step's bias corrections folded into lr (an array, so one compiled step serves every t).
const step = jit((p, m, v, x, y, lr) => {
  const g = grad(loss)(tree.ref(p), x, y);
  const m2 = m.map((mi, i) => mi.mul(0.9).add(g[i].ref.mul(0.1)));
  const v2 = v.map((vi, i) => vi.mul(0.999).add(g[i].ref.mul(g[i]).mul(0.001)));
  const p2 = p.map((pi, i) => pi.sub(m2[i].ref.div(np.sqrt(v2[i].ref).add(1e-4)).mul(lr.ref)));
  lr.dispose();
  return [p2, m2, v2];
});
const sgdStep = jit((p, x, y) => {
  const g = grad(loss)(tree.ref(p), x, y);
  return p.map((pi, i) => pi.sub(g[i].mul(0.01)));
});
let t = 0;
const run = (optimizer, n) => {
  for (let k = 0; k < n; k++) {
    t++;
    const b = batches[t % batches.length];
    if (optimizer === 'sgd') params = sgdStep(params, b.x.ref, b.y.ref);
    else {
      const lr = np.array([(1e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t)]);
      [params, m, v] = step(params, m, v, b.x.ref, b.y.ref, lr);
    }
  }
};
console.log('ready jax-js wasm');
for await (const line of createInterface({ input: process.stdin })) {
  const [optimizer, n] = line.split(' ');
  const t0 = performance.now();
  run(optimizer, Number(n));
  await blockUntilReady(params);
  console.log((performance.now() - t0) / Number(n));
}
