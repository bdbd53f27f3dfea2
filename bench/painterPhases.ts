// Where a painter update's time goes: one update of each side cut into sub-phases, with a GPU sync between them
// (which the timed runs do not have, so the parts add up to a little more than a timed update).
// Ours is rebuilt here from the pieces PaintTrainer's A2C step uses (paintRollout, the reward terms, the GAE kernel,
// actionLogProbs, actorCriticLoss, the fused Adam), because the trainer's update cannot be paused between phases; the
// trainer's gradient-norm readback and clipping are left out (a few small programs and one sync).
import * as tf from '@tensorflow/tfjs';
import { gpuIdle } from './harness';
import { naivePaintUpdate } from './naive/painterTraining';
import type { NaivePainterPolicy } from './naive/painterPolicy';
import { actorCriticLoss } from '../src/core/algorithms/actorCritic';
import type { ExperimentConfig } from '../src/core/config';
import { computeAdvantages } from '../src/core/kernels';
import type { PainterPolicy } from '../src/core/models/painterPolicy';
import { paintStepRewards } from '../src/core/rewards/paint';
import type { DiscreteStrokeSpace } from '../src/core/tasks/paint/strokes';
import { actionLogProbs } from '../src/core/training/paintActions';
import { disposeRollout, paintRollout } from '../src/core/training/paintRollout';

type Phases = Record<string, number>;

/** A callback that syncs with the GPU and records the time since the previous call under `name`. */
function phaseTimer(into: Phases): (name: string) => Promise<void> {
  let last = performance.now();
  return async (name) => {
    await gpuIdle();
    const now = performance.now();
    into[name] = Math.round((now - last) * 10) / 10;
    last = now;
  };
}

export async function oursPhases(policy: PainterPolicy, optimizer: tf.Optimizer, space: DiscreteStrokeSpace, target: tf.Tensor3D, config: ExperimentConfig, update: number): Promise<Phases> {
  const phases: Phases = {};
  const phase = phaseTimer(phases);
  const B = config.batchSize;
  const K = config.paint.strokes;
  const alg = config.algorithm;
  const rollout = paintRollout(policy, space, target, { batchSize: B, steps: K, seed: config.seed, update });
  await phase('rollout');
  const mask = tf.ones([B, K]) as tf.Tensor2D;
  try {
    const [l2, l1, strokes] = (await Promise.all([rollout.l2.data(), rollout.l1.data(), rollout.strokes.data()])) as Float32Array[];
    const rewards = tf.tensor2d(paintStepRewards(config.rewards, { size: B, steps: K, l2, l1, strokes }).total, [B, K]);
    const targets = tf.tidy(() => {
      const values = tf.concat([rollout.values, tf.zeros([B, 1])], 1) as tf.Tensor2D;
      const { advantages } = computeAdvantages(rewards, values, mask, { gamma: alg.gamma, lambda: alg.lambda, normalize: false });
      return { advantages, returns: tf.add(advantages, rollout.values) as tf.Tensor2D };
    });
    rewards.dispose();
    await phase('readback + reward + advantages');
    const episodeMajor = (x: tf.Tensor1D) => tf.transpose(tf.reshape(x, [K, B])) as tf.Tensor2D;
    const { value: loss, grads } = tf.variableGrads(() => {
      const { head, value } = policy.forward(rollout.states, target, rollout.progress);
      const now = actionLogProbs(space, head, null, rollout.actions);
      return actorCriticLoss({
        logProbs: episodeMajor(now.logProbs),
        values: episodeMajor(value),
        advantages: targets.advantages,
        returns: targets.returns,
        mask,
        entropy: episodeMajor(now.entropy),
        valueCoef: alg.valueCoef,
        entropyCoef: alg.entropyCoef,
      }).loss;
    }, policy.variables());
    tf.dispose([loss, targets.advantages, targets.returns]);
    await phase('forward + backward');
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    await phase('Adam');
  } finally {
    disposeRollout(rollout);
    mask.dispose();
  }
  return phases;
}

export async function naivePhases(policy: NaivePainterPolicy, optimizer: tf.Optimizer, space: DiscreteStrokeSpace, target: tf.Tensor3D, config: ExperimentConfig): Promise<Phases> {
  const phases: Phases = {};
  await naivePaintUpdate(policy, optimizer, space, target, config, phaseTimer(phases));
  return phases;
}
