/**
 * The Differentiable Neural Computer core (Graves et al., Nature 2016) with the semantics of deepmind/dnc
 * (dnc.py, access.py, addressing.py at commit a4debae, which the L4 paper ran): softplus strengths, the ε
 * terms, read modes ordered [backward × Wn, forward × Wn, content], one LSTM layer whose output, state and
 * logits are clipped. `src/tasks/__fixtures__/golden-dnc/README.md` is the
 * specification; step.ts follows its numbered list.
 *
 * Two gradient conventions of TensorFlow's gradient of deepmind's graph are kept: the previous write weights
 * are a constant in the usage update (their `tf.stop_gradient`), and the allocation order is a constant
 * (integer `top_k` indices). tfjs has neither stopGradient nor gradients for TopK, Cumprod or comparisons,
 * and `gather`'s gradient fails on wasm, so the allocation is computed without a sort: a pairwise
 * "slot k comes before slot j" mask (float32 keys, ties to the lower index, as `tf.nn.top_k`) made inside a
 * `customGrad` with a zero gradient, and the exclusive product over the slots before each slot. Every op
 * here has a gradient on cpu, wasm, WebGL and WebGPU. On wasm and cpu the content addressing runs as one kernel
 * forward and one backward (fused.ts): a third of a training step's kernels.
 */
export * from './model';
export { contentWeights, dncConstants, type DncConstants } from './ops';
export { setFusedDnc } from './fused';
export * from './step';
