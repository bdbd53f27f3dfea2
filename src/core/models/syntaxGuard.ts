// The SMILES syntax guard (src/core/tasks/smilesSyntaxGuard.ts) as tensor ops, for the paths built from stock ops:
// teacher-forced logits of whole sequences, and the step-by-step samplers. Every backend runs these; the fused WGSL
// rollout applies the same rules inside its kernel.
import * as tf from '@tensorflow/tfjs';
import { KIND_BRANCH_CLOSE, KIND_BRANCH_OPEN, KIND_RING_FIRST, MASKED_LOGIT, ringLabelCount } from '../tasks/smilesSyntaxGuard';
import { EOS } from '../tasks/tokenizer';

/** Small constant tables derived from the token kinds (made inside the caller's tidy). */
function tables(kinds: Int32Array) {
  const V = kinds.length;
  const L = Math.max(ringLabelCount(kinds), 1);
  const depthDelta = new Float32Array(V);
  const ringBits = new Float32Array(V * L);
  const isClose = new Float32Array(V);
  // Steps a token needs after the ones already needed: see the budget rule in smilesSyntaxGuard.ts. A ring label
  // costs 3 when it opens; when it closes, 2 less (ringBits says which labels a token closes in a given state).
  const cost = new Float32Array(V).fill(2);
  kinds.forEach((kind, v) => {
    if (kind === KIND_BRANCH_OPEN) {
      depthDelta[v] = 1;
      cost[v] = 3;
    }
    if (kind === KIND_BRANCH_CLOSE) {
      depthDelta[v] = -1;
      isClose[v] = 1;
      cost[v] = 1;
    }
    if (kind >= KIND_RING_FIRST) {
      ringBits[v * L + kind - KIND_RING_FIRST] = 1;
      cost[v] = 3;
    }
  });
  const isEnd = new Float32Array(V);
  isEnd[EOS] = 1;
  cost[EOS] = 0; // the end has its own rule
  return {
    L,
    depthDelta: tf.tensor1d(depthDelta),
    ringBits: tf.tensor2d(ringBits, [V, L]),
    isClose: tf.tensor1d(isClose),
    isEnd: tf.tensor1d(isEnd),
    cost: tf.tensor1d(cost),
  };
}

type Tables = ReturnType<typeof tables>;

/**
 * Logits [N, V] with the tokens the guard forbids set to MASKED_LOGIT, for N states: branch depth [N], open ring labels
 * [N, L] (0/1) and steps remaining [N] (this one included).
 */
function maskLogits(logits: tf.Tensor2D, depth: tf.Tensor1D, open: tf.Tensor2D, remaining: tf.Tensor1D, t: Tables): tf.Tensor2D {
  const column = (x: tf.Tensor1D) => tf.expandDims(x, -1);
  const openCount = tf.sum(open, -1) as tf.Tensor1D;
  const need = tf.add(depth, openCount) as tf.Tensor1D;
  const closing = tf.matMul(open, t.ringBits, false, true); // [N, V]: 1 where the token closes an open ring label
  const cost = tf.sub(t.cost, tf.mul(2, closing));
  const overBudget = tf.greater(tf.add(column(need), cost), column(remaining));
  const closeForbidden = tf.mul(column(tf.cast(tf.lessEqual(depth, 0), 'float32') as tf.Tensor1D), t.isClose);
  const somethingOpen = tf.logicalOr(tf.greater(depth, 0), tf.greater(openCount, 0));
  const endForbidden = tf.mul(column(tf.cast(somethingOpen, 'float32') as tf.Tensor1D), t.isEnd);
  const forbidden = tf.logicalOr(overBudget, tf.greater(tf.add(closeForbidden, endForbidden), 0));
  return tf.where(forbidden, tf.fill(logits.shape, MASKED_LOGIT), logits) as tf.Tensor2D;
}

/**
 * Teacher-forced logits [B, T, V] under the guard, for inputs [B, T] (the end token first, then the sequence shifted
 * right): the state before predicting step t is the state after inputs 0 … t, read off running sums, and horizon − t
 * steps remain (the sequences were sampled with at most `horizon` ≥ T steps).
 */
export function guardSequenceLogits(logits: tf.Tensor3D, inputs: tf.Tensor2D, kinds: Int32Array, horizon: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    if (horizon < T) throw new RangeError(`The syntax guard's horizon (${horizon} steps) is shorter than the sequences (${T})`);
    const t = tables(kinds);
    const depth = tf.cumsum(tf.gather(t.depthDelta, inputs), 1);
    const labelCounts = tf.cumsum(tf.gather(t.ringBits, inputs), 1); // [B, T, L]
    const open = tf.sub(labelCounts, tf.mul(2, tf.floor(tf.div(labelCounts, 2))));
    const remaining = tf.tile(tf.range(horizon, horizon - T, -1, 'float32'), [B]) as tf.Tensor1D;
    const masked = maskLogits(tf.reshape(logits, [B * T, V]), tf.reshape(depth, [B * T]), tf.reshape(open, [B * T, t.L]), remaining, t);
    return tf.reshape(masked, [B, T, V]) as tf.Tensor3D;
  });
}

/**
 * The guard for step-by-step sampling of a batch of at most `steps` steps: masks a step's logits, then advances with
 * the tokens taken. Its state (branch depth [B], open ring labels [B, L] as 0/1) and tables are ordinary tensors: make
 * it inside the caller's tidy.
 */
export class StepGuard {
  private readonly t: Tables;
  private depth: tf.Tensor1D;
  private rings: tf.Tensor2D;
  private step = 0;

  constructor(
    kinds: Int32Array,
    private readonly batch: number,
    private readonly steps: number,
  ) {
    this.t = tables(kinds);
    this.depth = tf.zeros([batch]);
    this.rings = tf.zeros([batch, this.t.L]);
  }

  /** The logits of the current step, masked. */
  mask(logits: tf.Tensor2D): tf.Tensor2D {
    return maskLogits(logits, this.depth, this.rings, tf.fill([this.batch], this.steps - this.step), this.t);
  }

  /** Takes the current step's tokens and moves to the next step. */
  advance(tokens: tf.Tensor1D): void {
    this.depth = tf.add(this.depth, tf.gather(this.t.depthDelta, tokens)) as tf.Tensor1D;
    this.rings = tf.abs(tf.sub(this.rings, tf.gather(this.t.ringBits, tokens))) as tf.Tensor2D; // XOR of 0/1 values
    this.step++;
  }
}
