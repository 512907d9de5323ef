import * as tf from '@tensorflow/tfjs';

/** The two problems of the golden files (src/optim/__fixtures__/golden, golden-peers), as their READMEs' `description` defines them. */
export interface GoldenProblem {
  problem: 'linreg' | 'mlp';
  data: { A?: number[][]; X: number[][]; y?: number[]; batch?: number };
}

/** The problem's loss at step t, as the README's description defines it. */
export function goldenLoss(g: GoldenProblem, vars: tf.Variable[]): { batchLoss: (t: number) => () => tf.Scalar; data: tf.Tensor[] } {
  if (g.problem === 'linreg') {
    const X = tf.tensor2d(g.data.X);
    const Y = tf.tidy(() => tf.matMul(tf.tensor2d(g.data.A!), X));
    const n = g.data.X[0]!.length;
    const [W1, W2] = vars as [tf.Variable, tf.Variable];
    const loss = () => tf.div(tf.sum(tf.square(tf.sub(tf.matMul(tf.matMul(W1, W2), X), Y))), n) as tf.Scalar;
    return { batchLoss: () => loss, data: [X, Y] };
  }
  const X = g.data.X;
  const y = g.data.y!;
  const B = g.data.batch!;
  const N = X.length;
  const [W1, b1, W2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const batchLoss = (t: number) => {
    const rows = Array.from({ length: B }, (_, i) => (t * B + i) % N);
    const xb = tf.tensor2d(rows.map((r) => X[r]!));
    const yb = tf.oneHot(
      tf.tensor1d(
        rows.map((r) => y[r]!),
        'int32',
      ),
      b2.shape[0]!,
    );
    return () => {
      const h = tf.tanh(tf.add(tf.matMul(xb, W1), b1));
      const logits = tf.add(tf.matMul(h, W2), b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(yb, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    };
  };
  return { batchLoss, data: [] };
}
