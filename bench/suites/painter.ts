// RL training of the stroke painter on WebGPU at the app's default painter settings (parseConfig({ task: 'paint' }):
// canvas, strokes per episode, batch, action space, algorithm), RewardLab's path against the same algorithm written
// the way a tfjs user would write it (bench/naive/painter*.ts).
//   rollout  ours:  paintRollout: per stroke, policy forward → our WGSL sampler → our WGSL raster kernel → distances,
//                   nothing read back inside the episode
//            naive: per stroke, conv2d policy → tf.multinomial per head → readback of the actions → stroke drawn in JS
//                   → canvases uploaded → distances with stock ops
//   update   ours:  PaintTrainer.update(), the app's own update (rollout → one readback → reward terms → GAE kernel
//                   → A2C loss → guarded, clipped Adam step), then a wait for the GPU
//            naive: the naive rollout → readback → the same reward terms → GAE in a JS loop → upload → the loss under
//                   optimizer.minimize → Adam
// "tokens" here are strokes: every row counts B·K strokes per run (unit: "strokes").
// Each row also carries the GPU programs one run of each side dispatches (by program), a tf.profile of one run of each
// side (kernel time by kernel, against the run's wall time), and for the update one run of each side cut into phases
// with a GPU sync between them (bench/painterPhases.ts).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { compare, gpuIdle, measureInTurns, type BenchResult, type Figure, type Report } from '../harness';
import { countDispatches, topPrograms, type DispatchCount } from '../dispatches';
import { profileKernels } from '../kernelProfile';
import { NaivePainterPolicy } from '../naive/painterPolicy';
import { naivePhases, oursPhases } from '../painterPhases';
import { disposeNaiveEpisodes, naivePaintRollout, naivePaintUpdate } from '../naive/painterTraining';
import { parseConfig, type ExperimentConfig } from '../../src/core/config';
import { paintTargetImage } from '../../src/core/tasks/paint/settings';
import { disposeRollout, paintRollout } from '../../src/core/training/paintRollout';
import { FusedAdam } from '../../src/core/training/fusedAdam';
import { PaintTrainer } from '../../src/core/training/paintTrainer';

// Few rounds on purpose: on SwiftShader (2 shared cores) one painter update takes 10-20 s per side, and the first,
// untimed run of each side (the dispatch count) already compiles every pipeline. Five rollouts and three updates per
// side keep the suite near six minutes; the IQR/median in the JSON says how far to trust each ratio.
const ROLLOUT_REPEATS = 5;
const UPDATE_REPEATS = 3;

function defaultPainterConfig(): ExperimentConfig {
  const parsed = parseConfig({ task: 'paint' });
  if (!parsed.ok) throw new Error(`the default painter config is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

function workloadName(c: ExperimentConfig): string {
  return `painter-s${c.paint.canvas}-k${c.paint.strokes}-b${c.batchSize}-${c.paint.action}-${c.algorithm.name}`;
}

function row(result: BenchResult, strokes: number, dispatches: { ours: DispatchCount; naive: DispatchCount }, extra: Record<string, unknown> = {}) {
  const rate = (f: Figure) => strokes / (f.median_ms / 1000);
  return {
    ...result,
    unit: 'strokes',
    ours: { ...result.ours, tokens_per_s: rate(result.ours) },
    naive: { ...result.naive, tokens_per_s: rate(result.naive) },
    dispatches: { ours: dispatches.ours.count, naive: dispatches.naive.count },
    dispatches_by_program: { ours: topPrograms(dispatches.ours.byProgram), naive: topPrograms(dispatches.naive.byProgram) },
    ...extra,
  };
}

/** Largest difference between the two policies' outputs on the same canvases: both sides must start from one policy. */
async function policyMismatch(trainer: PaintTrainer, naive: NaivePainterPolicy, target: tf.Tensor3D, B: number): Promise<number> {
  const difference = tf.tidy(() => {
    const S = target.shape[0];
    const canvases = tf.randomUniform([B, S, S, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const progress = tf.fill([B], 0.5) as tf.Tensor1D;
    const ours = trainer.policy.forward(canvases, target, progress);
    const theirs = naive.forward(canvases, target, progress);
    return tf.maximum(tf.max(tf.abs(tf.sub(ours.head, theirs.head))), tf.max(tf.abs(tf.sub(ours.value, theirs.value))));
  });
  const [value] = await difference.data();
  difference.dispose();
  return value;
}

export async function run(report: Report): Promise<void> {
  // A lost device surfaces later as an unrelated-looking OperationError: say so when it happens.
  void (tf.backend() as WebGPUBackend).device.lost.then((info) => report.log(`GPU device lost (${info.reason}): ${info.message}`));
  const config = defaultPainterConfig();
  if (config.paint.action !== 'discrete') throw new Error('the naive painter is written for the discrete action space, the default one');
  const name = workloadName(config);
  const B = config.batchSize;
  const K = config.paint.strokes;
  const S = config.paint.canvas;
  const strokes = B * K;
  const settings = { canvas: S, strokes_per_episode: K, batch: B, action: config.paint.action, algorithm: config.algorithm.name, hidden: config.model.hidden, target: config.paint.target };

  const trainer = new PaintTrainer(config);
  const space = trainer.space;
  if (space.kind !== 'discrete') throw new Error('unreachable: discrete config, continuous space');
  const target = tf.tensor3d(paintTargetImage(config.paint), [S, S, 3]);
  const naive = NaivePainterPolicy.fromValues(trainer.policy.size, await trainer.policy.readValues());
  const naiveOptimizer = tf.train.adam(config.learningRate);
  const mismatch = await policyMismatch(trainer, naive, target, B);
  report.log(`${name}: ours and naive policy heads differ by at most ${mismatch.toExponential(2)} on the same canvases`);
  if (!(mismatch < 1e-3)) throw new Error(`the naive painter policy does not compute the project's policy (difference ${mismatch})`);

  let update = 0;
  const rolloutOurs = async () => {
    const out = paintRollout(trainer.policy, space, target, { batchSize: B, steps: K, seed: config.seed, update: update++ });
    await gpuIdle();
    disposeRollout(out);
  };
  const rolloutNaive = async () => {
    const out = await naivePaintRollout(naive, space, target, B, K);
    await gpuIdle();
    disposeNaiveEpisodes(out);
  };
  report.log(`${name} rollout: counting dispatches (the first run of each side compiles its pipelines)`);
  const rolloutDispatches = { ours: await countDispatches(rolloutOurs), naive: await countDispatches(rolloutNaive) };
  const rollout = await measureInTurns({ ours: rolloutOurs, naive: rolloutNaive }, { warmup: 0, repeats: ROLLOUT_REPEATS });
  const rolloutKernels = { ours: await profileKernels(rolloutOurs), naive: await profileKernels(rolloutNaive) };
  report.add(
    row(
      compare(name, 'rollout', report.backend, rollout.ours, rollout.naive, 'per stroke: conv2d policy, tf.multinomial per head, readback of actions, stroke drawn in JS, canvases uploaded, stock-op distances'),
      strokes,
      rolloutDispatches,
      { settings, kernel_profile: rolloutKernels },
    ),
  );
  report.log(`${name} rollout: ours ${rollout.ours.median_ms.toFixed(1)} ms (${rolloutDispatches.ours.count} dispatches), naive ${rollout.naive.median_ms.toFixed(1)} ms (${rolloutDispatches.naive.count} dispatches)`);

  const updateOurs = async () => {
    await trainer.update();
    await gpuIdle(); // the trainer returns once its numbers are read back; Adam's step may still be queued
  };
  const updateNaive = () => naivePaintUpdate(naive, naiveOptimizer, space, target, config);
  report.log(`${name} update: counting dispatches`);
  const updateDispatches = { ours: await countDispatches(updateOurs), naive: await countDispatches(updateNaive) };
  const updated = await measureInTurns({ ours: updateOurs, naive: updateNaive }, { warmup: 0, repeats: UPDATE_REPEATS });
  report.log(`${name} update: one more of each side, cut into phases`);
  const updateKernels = { ours: await profileKernels(updateOurs), naive: await profileKernels(updateNaive) };
  const profileOptimizer = new FusedAdam(config.learningRate);
  const phases = { ours: await oursPhases(trainer.policy, profileOptimizer, space, target, config, update++), naive: await naivePhases(naive, naiveOptimizer, space, target, config) };
  profileOptimizer.dispose();
  report.add(
    row(
      compare(
        name,
        'update',
        report.backend,
        updated.ours,
        updated.naive,
        'naive rollout, readback, the same reward terms, GAE in a JS loop, upload, A2C loss under optimizer.minimize, Adam',
        'ours: PaintTrainer.update() (device rollout, one readback, reward terms, GAE kernel, A2C loss, gradient-norm check and clip, Adam)',
      ),
      strokes,
      updateDispatches,
      { settings, phases_ms: phases, kernel_profile: updateKernels },
    ),
  );
  report.log(`${name} update: ours ${updated.ours.median_ms.toFixed(1)} ms (${updateDispatches.ours.count} dispatches), naive ${updated.naive.median_ms.toFixed(1)} ms (${updateDispatches.naive.count} dispatches)`);
  report.log(`${name} update by phase (ms, GPU sync between phases): ${JSON.stringify(phases)}`);
  report.log(`${name} rollout kernels: ${JSON.stringify(rolloutKernels)}`);
  report.log(`${name} update kernels: ${JSON.stringify(updateKernels)}`);
  report.log(`${name} update by program: ours ${JSON.stringify(updateDispatches.ours.byProgram)}; naive ${JSON.stringify(updateDispatches.naive.byProgram)}`);

  trainer.dispose();
  naive.dispose();
  naiveOptimizer.dispose();
  target.dispose();
}
