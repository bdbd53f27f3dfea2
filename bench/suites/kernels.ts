// Our WGSL sampler and GAE kernels against the stock tfjs ways of doing the same job, on WebGPU.
//   sampler vs (a) tf.multinomial + logSoftmax/oneHot for logProbs and entropy (all on GPU, stock kernels),
//              (b) softmax, readback, sampling in JS, upload (the common hand-written path).
//   GAE     vs the usual JS loop: read rewards/values/mask back, loop, upload advantages and returns.
// Our figures and (a) wait for the GPU to finish without reading anything back (submit + onSubmittedWorkDone).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { compare, gpuIdle, measureInTurns, type Report } from '../harness';
import { computeAdvantages, sampleCategorical } from '../../src/core/kernels/index';

const TEMPERATURE = 1;
const GAMMA = 0.99;
const LAMBDA = 0.95;


function stockSample(logits: tf.Tensor2D): tf.Tensor[] {
  return tf.tidy(() => {
    const scaled = tf.div(logits, TEMPERATURE) as tf.Tensor2D;
    const tokens = tf.reshape(tf.multinomial(scaled, 1), [-1]) as tf.Tensor1D;
    const logp = tf.logSoftmax(scaled);
    const logProbs = tf.sum(tf.mul(logp, tf.oneHot(tokens, logits.shape[1])), 1);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
    return [tokens, logProbs, entropy];
  });
}

async function readbackSample(logits: tf.Tensor2D): Promise<tf.Tensor[]> {
  const [rows, vocab] = logits.shape;
  const probsTensor = tf.tidy(() => tf.softmax(tf.div(logits, TEMPERATURE)));
  const probs = (await probsTensor.data()) as Float32Array;
  probsTensor.dispose();
  const tokens = new Int32Array(rows);
  const logProbs = new Float32Array(rows);
  const entropy = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let u = Math.random();
    let chosen = vocab - 1;
    let h = 0;
    for (let i = 0; i < vocab; i++) {
      const p = probs[r * vocab + i];
      if (p > 0) h -= p * Math.log(p);
      if (u < p && chosen === vocab - 1) chosen = i;
      u -= p;
    }
    tokens[r] = chosen;
    logProbs[r] = Math.log(probs[r * vocab + chosen]);
    entropy[r] = h;
  }
  return [tf.tensor1d(tokens, 'int32'), tf.tensor1d(logProbs), tf.tensor1d(entropy)];
}

/** GAE as it is usually written: a backwards loop per row in JS. */
function gaeLoop(rewards: Float32Array, values: Float32Array, mask: Float32Array, batch: number, steps: number) {
  const advantages = new Float32Array(batch * steps);
  const returns = new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    let nextValue = values[b * (steps + 1) + steps];
    let nextAdvantage = 0;
    let nextReturn = nextValue;
    let notDone = 1;
    for (let t = steps - 1; t >= 0; t--) {
      const at = b * steps + t;
      if (mask[at] === 0) {
        notDone = 0;
        nextValue = nextAdvantage = nextReturn = 0;
        continue;
      }
      const value = values[b * (steps + 1) + t];
      const delta = rewards[at] + GAMMA * notDone * nextValue - value;
      nextAdvantage = advantages[at] = delta + GAMMA * LAMBDA * notDone * nextAdvantage;
      nextReturn = returns[at] = rewards[at] + GAMMA * notDone * nextReturn;
      nextValue = value;
      notDone = 1;
    }
  }
  let n = 0;
  let sum = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) (n++, (sum += advantages[i]));
  const mean = sum / Math.max(n, 1);
  let squares = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) squares += (advantages[i] - mean) ** 2;
  const invStd = 1 / Math.sqrt(squares / Math.max(n, 1) + 1e-8);
  for (let i = 0; i < mask.length; i++) advantages[i] = mask[i] !== 0 ? (advantages[i] - mean) * invStd : 0;
  return { advantages, returns };
}

async function samplerFigures(report: Report, rows: number, vocab: number): Promise<void> {
  const logits = tf.randomNormal([rows, vocab]) as tf.Tensor2D;
  let counter = 0;
  const { ours, multinomial, readback } = await measureInTurns({
    ours: async () => {
      const out = sampleCategorical(logits, { temperature: TEMPERATURE, seed: 1, counter: counter++ });
      await gpuIdle();
      tf.dispose([out.tokens, out.logProbs, out.entropy]);
    },
    multinomial: async () => {
      const out = stockSample(logits);
      await gpuIdle();
      tf.dispose(out);
    },
    readback: async () => {
      const out = await readbackSample(logits);
      tf.dispose(out);
    },
  });
  logits.dispose();
  const workload = `sample B=${rows} V=${vocab}`;
  report.add(compare(workload, 'vs tf.multinomial', report.backend, ours, multinomial, 'tf.multinomial + logSoftmax/oneHot (logProbs, entropy), no readback'));
  report.add(compare(workload, 'vs readback + JS', report.backend, ours, readback, 'softmax, await data(), sample rows in JS, upload tokens/logProbs/entropy'));
  report.log(`${workload}: ours ${ours.median_ms.toFixed(2)} ms, multinomial ${multinomial.median_ms.toFixed(2)} ms, readback ${readback.median_ms.toFixed(2)} ms`);
}

async function advantageFigures(report: Report, batch: number, steps: number): Promise<void> {
  const rewards = tf.randomNormal([batch, steps]) as tf.Tensor2D;
  const values = tf.randomNormal([batch, steps + 1]) as tf.Tensor2D;
  const mask = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, steps]), 0.1), 'float32')) as tf.Tensor2D;
  const opts = { gamma: GAMMA, lambda: LAMBDA, normalize: true };
  // In training the inputs are fresh GPU tensors every update; tfjs caches what it has read back once, so each
  // run (ours and naive alike) starts from fresh copies made on the GPU.
  const fresh = () => tf.tidy(() => [tf.mul(rewards, 1), tf.mul(values, 1), tf.mul(mask, 1)] as tf.Tensor2D[]);
  const { ours, naive } = await measureInTurns({
    ours: async () => {
      const [r, v, m] = fresh();
      const out = computeAdvantages(r, v, m, opts);
      await gpuIdle();
      tf.dispose([r, v, m, out.advantages, out.returns]);
    },
    naive: async () => {
      const inputs = fresh();
      const [r, v, m] = (await Promise.all(inputs.map((t) => t.data()))) as Float32Array[];
      tf.dispose(inputs);
      const out = gaeLoop(r, v, m, batch, steps);
      const gpu = tf.backend() as WebGPUBackend;
      const advantages = tf.tensor2d(out.advantages, [batch, steps]);
      const returns = tf.tensor2d(out.returns, [batch, steps]);
      gpu.uploadToGPU(advantages.dataId);
      gpu.uploadToGPU(returns.dataId);
      await gpuIdle();
      tf.dispose([advantages, returns]);
    },
  });
  tf.dispose([rewards, values, mask]);
  const workload = `GAE B=${batch} T=${steps}`;
  report.add(compare(workload, 'vs JS loop', report.backend, ours, naive, 'await data() x3, JS loop with normalisation, upload advantages/returns'));
  report.log(`${workload}: ours ${ours.median_ms.toFixed(2)} ms, JS loop ${naive.median_ms.toFixed(2)} ms`);
}

export async function run(report: Report): Promise<void> {
  for (const rows of [64, 512]) {
    for (const vocab of [40, 64]) await samplerFigures(report, rows, vocab);
  }
  for (const batch of [64, 512]) {
    for (const steps of [32, 128]) await advantageFigures(report, batch, steps);
  }
}
