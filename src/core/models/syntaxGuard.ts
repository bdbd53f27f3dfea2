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
  kinds.forEach((kind, v) => {
    if (kind === KIND_BRANCH_OPEN) depthDelta[v] = 1;
    if (kind === KIND_BRANCH_CLOSE) {
      depthDelta[v] = -1;
      isClose[v] = 1;
    }
    if (kind >= KIND_RING_FIRST) ringBits[v * L + kind - KIND_RING_FIRST] = 1;
  });
  const isEnd = new Float32Array(V);
  isEnd[EOS] = 1;
  return {
    L,
    depthDelta: tf.tensor1d(depthDelta),
    ringBits: tf.tensor2d(ringBits, [V, L]),
    isClose: tf.tensor1d(isClose),
    isEnd: tf.tensor1d(isEnd),
  };
}

/**
 * Logits with the tokens the guard forbids set to MASKED_LOGIT. depth and openRings (the count of open ring labels)
 * have the logits' leading shape minus the vocabulary axis.
 */
function maskLogits<R extends tf.Rank>(logits: tf.Tensor<R>, depth: tf.Tensor, openRings: tf.Tensor, isClose: tf.Tensor1D, isEnd: tf.Tensor1D): tf.Tensor<R> {
  const closeForbidden = tf.expandDims(tf.cast(tf.lessEqual(depth, 0), 'float32'), -1);
  const endForbidden = tf.expandDims(tf.cast(tf.logicalOr(tf.greater(depth, 0), tf.greater(openRings, 0)), 'float32'), -1);
  const forbidden = tf.greater(tf.add(tf.mul(closeForbidden, isClose), tf.mul(endForbidden, isEnd)), 0);
  return tf.where(forbidden, tf.fill(logits.shape, MASKED_LOGIT), logits) as tf.Tensor<R>;
}

/**
 * Teacher-forced logits [B, T, V] under the guard, for inputs [B, T] (the end token first, then the sequence shifted
 * right): the state before predicting step t is the state after inputs 0 … t, read off running sums.
 */
export function guardSequenceLogits(logits: tf.Tensor3D, inputs: tf.Tensor2D, kinds: Int32Array): tf.Tensor3D {
  return tf.tidy(() => {
    const { depthDelta, ringBits, isClose, isEnd } = tables(kinds);
    const depth = tf.cumsum(tf.gather(depthDelta, inputs), 1);
    const labelCounts = tf.cumsum(tf.gather(ringBits, inputs), 1); // [B, T, L]
    const open = tf.sub(labelCounts, tf.mul(2, tf.floor(tf.div(labelCounts, 2))));
    return maskLogits(logits, depth, tf.sum(open, -1), isClose, isEnd);
  });
}

/**
 * The guard for step-by-step sampling of a batch: masks a step's logits, then advances with the tokens taken. Its state
 * (branch depth [B], open ring labels [B, L] as 0/1) and tables are ordinary tensors: make it inside the caller's tidy.
 */
export class StepGuard {
  private readonly t: ReturnType<typeof tables>;
  private depth: tf.Tensor1D;
  private rings: tf.Tensor2D;

  constructor(kinds: Int32Array, batch: number) {
    this.t = tables(kinds);
    this.depth = tf.zeros([batch]);
    this.rings = tf.zeros([batch, this.t.L]);
  }

  mask(logits: tf.Tensor2D): tf.Tensor2D {
    return maskLogits(logits, this.depth, tf.sum(this.rings, -1), this.t.isClose, this.t.isEnd);
  }

  advance(tokens: tf.Tensor1D): void {
    this.depth = tf.add(this.depth, tf.gather(this.t.depthDelta, tokens)) as tf.Tensor1D;
    this.rings = tf.abs(tf.sub(this.rings, tf.gather(this.t.ringBits, tokens))) as tf.Tensor2D; // XOR of 0/1 values
  }
}
