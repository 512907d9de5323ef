/**
 * Putting a skipped step right where the optimizer judges its steps on the device (WebGL, WebGPU: optim/skip.ts).
 * There the runner's steps are `unguarded`: a step with NaN or ±Inf gradients or loss leaves what it computed in the
 * parameters and the state (the device does not choose the old values: one pass per state tensor saved on every
 * step), and the host-side step count moves on. So the runner keeps a `Snapshot` of the slice's start (the steps
 * between two flushes), and when the rows read back show a skipped step, `retrainSlice` trains those steps again
 * from it (the same batches, the same hyperparameter changes at the same steps), each from a snapshot of the step
 * before and read back as it is taken; a step the device judges skipped is taken again from its snapshot as a known
 * skip (`StepInputs.skip`: the host path, the old state itself). The run is then, bit for bit, the run without those
 * batches, as on cpu and WASM, where the check is on the host. It costs a second pass over those steps, with a
 * readback each, only when a step was skipped; otherwise nothing but the clones (no copy on these backends).
 */
import * as tf from '@tensorflow/tfjs';
import { cloneState, disposeState, StepFlags, type OptState } from '../optim';

/** The parameters and the optimizer state at a step, as clones (on WebGL, WebGPU and cpu a clone shares its data). */
export class Snapshot {
  private restored = false;
  private constructor(
    readonly step: number,
    private readonly params: tf.Tensor[],
    readonly state: OptState,
  ) {}

  static take(step: number, params: readonly tf.Variable[], state: OptState): Snapshot {
    return new Snapshot(
      step,
      params.map((p) => tf.keep(tf.clone(p))),
      cloneState(state),
    );
  }

  /** Puts the parameters back and returns the state, which is then the caller's. */
  restore(params: readonly tf.Variable[]): OptState {
    params.forEach((p, i) => p.assign(this.params[i]!));
    tf.dispose(this.params);
    this.restored = true;
    return this.state;
  }

  dispose(): void {
    if (this.restored) return;
    tf.dispose(this.params);
    disposeState(this.state);
  }
}

/** What `retrainSlice` needs of the runner. */
export interface SliceHost {
  readonly params: readonly tf.Variable[];
  /** The current state (replaced, its tensors disposed, when the slice goes back to a snapshot). */
  state: OptState;
  /** The next step's index. */
  step: number;
  /** Takes step `step` (and advances it); `skip`: the flags of a step known to be skipped. Returns the step's row. */
  takeStep(skip?: number): tf.Tensor;
  /** Applies again the hyperparameter changes recorded at a step. */
  replayEvents(step: number): void;
}

/**
 * The rows of the slice that began at `start`, trained again when a step of it was skipped (`values` as read back:
 * `rows` rows of `width`, the skip counter in column `col`, the flags in `flagsCol`; `skippedBefore` the counter at
 * the start). Returns `values` itself when nothing was skipped. Takes `start` over (disposes or restores it).
 */
export async function retrainSlice(
  host: SliceHost,
  start: Snapshot,
  values: Float32Array,
  { width, rows, col, flagsCol, skippedBefore }: { width: number; rows: number; col: number; flagsCol: number; skippedBefore: number },
): Promise<Float32Array> {
  try {
    if (rows === 0 || !(values[(rows - 1) * width + col]! > skippedBefore)) return values;
    backTo(host, start);
    const out = new Float32Array(values.length);
    let skipped = skippedBefore;
    for (let i = 0; i < rows; i++) {
      host.replayEvents(host.step);
      const before = Snapshot.take(host.step, host.params, host.state);
      let v = await rowOf(host.takeStep());
      if (v[col]! > skipped) {
        // Skipped on the device: back to the snapshot, and the step again as a known skip.
        backTo(host, before);
        v = await rowOf(host.takeStep(v[flagsCol]! || StepFlags.nonFiniteDirection));
      } else before.dispose();
      out.set(v, i * width);
      skipped = v[col]!;
    }
    host.replayEvents(host.step);
    return out;
  } finally {
    start.dispose();
  }
}

function backTo(host: SliceHost, s: Snapshot): void {
  disposeState(host.state);
  host.state = s.restore(host.params);
  host.step = s.step;
}

async function rowOf(row: tf.Tensor): Promise<Float32Array> {
  const v = (await row.data()) as Float32Array;
  row.dispose();
  return v;
}
