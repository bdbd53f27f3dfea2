// Draws SMILES from a molecules prior in rounds, the way the README's prior-quality figures are measured: rounds of
// `batch` samples, round r using sampler counter r · 4096, so the script and the prior-quality test see the same draws.
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from '../src/core/models/charGru';
import { sampleSequences } from '../src/core/rollout';
import { MOLECULES_TASK } from '../src/core/tasks/sequenceTasks';

export interface SampledSmiles {
  smiles: string[];
  /** Samples that used every step without writing the end token (cut at the task's maximum length). */
  unfinished: number;
}

export async function sampleSmiles(
  model: CharGru,
  opts: { samples: number; seed: number; temperature: number; batch?: number; onRound?: (done: number) => void },
): Promise<SampledSmiles> {
  const T = MOLECULES_TASK.pretrain.maxLength;
  const batch = opts.batch ?? 250;
  const smiles: string[] = [];
  let unfinished = 0;
  for (let start = 0, round = 0; start < opts.samples; start += batch, round++) {
    const B = Math.min(batch, opts.samples - start);
    const rollout = sampleSequences(model, { batchSize: B, maxLength: T, temperature: opts.temperature, seed: opts.seed, counter: round * 4096 });
    const [tokens, mask] = await Promise.all([rollout.tokens.data(), rollout.mask.data()]);
    tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values]);
    for (let b = 0; b < B; b++) {
      const row = Array.from(tokens.subarray(b * T, (b + 1) * T));
      if (mask[b * T + T - 1] === 1 && row[T - 1] !== 0) unfinished++;
      smiles.push(MOLECULES_TASK.tokenizer.decode(row));
    }
    opts.onRound?.(start + B);
  }
  return { smiles, unfinished };
}
