// Maximum-likelihood training of the char-GRU on the WASM backend: the path `npm run pretrain -- --backend wasm` and
// the app's WebAssembly fallback take. Both sides run the same loss (mean token NLL, teacher forcing) under
// optimizer.minimize with Adam, from the same weights:
//   ours:  CharGru.forwardSequence's stock path: per-step one-hot rows times a table of input projections, per-step
//          heads, and `linear` (src/core/models/linear.ts), whose backward pass avoids transposed matmuls
//   naive: the same equations as a tfjs user writes them (bench/naive/gruSequence.ts): one projection cut apart with
//          tf.unstack, states stacked back, stock tf.matMul under autodiff
// Tokens per second count all B·T positions. The suite switches tfjs to WASM and back to WebGPU at the end.
import * as tf from '@tensorflow/tfjs';
import { compare, measureInTurns, type Report } from '../harness';
import { naiveForwardSequence } from '../naive/gruSequence';
import { chooseBackend } from '../../src/core/backend';
import { CharGru, type GruSize } from '../../src/core/models/charGru';
import { maskedMean, shiftRight, tokenLogProbs } from '../../src/core/sequences';

interface Workload {
  name: string;
  size: GruSize;
  batch: number;
  steps: number;
}

const WORKLOADS: Workload[] = [
  // The names prior's size and batch.
  { name: 'names-h128-b32-t16', size: { vocab: 40, embedding: 32, hidden: 128 }, batch: 32, steps: 16 },
  // The SMILES prior's pretraining batch: 128 molecules, padded to 48 steps (the commonest length bucket).
  { name: 'smiles-prior-h256-b128-t48', size: { vocab: 43, embedding: 32, hidden: 256 }, batch: 128, steps: 48 },
];
const REPEATS = 5;

async function runWorkload(report: Report, w: Workload): Promise<void> {
  const ours = CharGru.init(w.size, 1, true, 'bench-ours');
  const naive = CharGru.init(w.size, 1, true, 'bench-naive');
  const targets = tf.randomUniform([w.batch, w.steps], 1, w.size.vocab, 'int32', 3) as tf.Tensor2D;
  const inputs = shiftRight(targets);
  const mask = tf.onesLike(targets).asType('float32');
  const optimizers = { ours: tf.train.adam(1e-4), naive: tf.train.adam(1e-4) };
  const step = (model: CharGru, forward: () => tf.Tensor3D, optimizer: tf.Optimizer) => async () => {
    const loss = tf.tidy(
      () => optimizer.minimize(() => tf.neg(maskedMean(tokenLogProbs(forward(), targets), mask)), true, model.variables()) as tf.Scalar,
    );
    await loss.data();
    loss.dispose();
  };
  const figures = await measureInTurns(
    {
      ours: step(ours, () => ours.forwardSequence(inputs).logits, optimizers.ours),
      naive: step(naive, () => naiveForwardSequence(naive.weights, inputs, w.size).logits, optimizers.naive),
    },
    { warmup: 1, repeats: REPEATS },
  );
  const tokens = w.batch * w.steps;
  const result = compare(w.name, 'mle-update', 'wasm', figures.ours, figures.naive, 'one projection cut with tf.unstack, stock tf.matMul under autodiff');
  report.add({ ...result, notes: `${Math.round(tokens / (figures.ours.median_ms / 1000))} tokens/s ours, ${Math.round(tokens / (figures.naive.median_ms / 1000))} naive` });
  report.log(`${w.name}: ours ${figures.ours.median_ms.toFixed(0)} ms, naive ${figures.naive.median_ms.toFixed(0)} ms, ratio ${result.ratio.toFixed(2)}x`);
  tf.dispose([targets, inputs, mask]);
  optimizers.ours.dispose();
  optimizers.naive.dispose();
  ours.dispose();
  naive.dispose();
}

export async function run(report: Report): Promise<void> {
  const chosen = await chooseBackend('wasm');
  if (chosen.name !== 'wasm') throw new Error(`the WASM backend did not start (${JSON.stringify(chosen)})`);
  try {
    for (const w of WORKLOADS) await runWorkload(report, w);
  } finally {
    await chooseBackend('webgpu');
  }
}
