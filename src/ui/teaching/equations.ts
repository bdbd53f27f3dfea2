// The update rule of each algorithm as plain text (read beside src/core/algorithms/), and which of the last
// update's numbers belong to each stage. Unicode, not markup: it renders as text everywhere.
import type { ExperimentConfig } from '../../core/config';

type Algorithm = ExperimentConfig['algorithm'];

export interface Stage {
  title: string;
  equation: string;
}

export function advantageStage(alg: Algorithm): Stage {
  if (alg.name === 'reinvent') {
    return { title: 'Augmented likelihood (no advantages)', equation: `log P_aug(x) = log P_prior(x) + σ S(x),  σ = ${alg.sigma}` };
  }
  if (alg.name === 'reinforce') {
    const baseline =
      alg.baseline === 'value'
        ? 'V(sₜ), the learned value head'
        : alg.baseline === 'self-critical'
          ? 'the return of the greedy decode'
          : alg.baseline === 'ema'
            ? 'a moving average of past batch returns'
            : 'the mean return of this batch';
    return { title: 'Advantages', equation: `Aₜ = Gₜ − b,  Gₜ = Σ_{t′≥t} rₜ′ (reward-to-go),  b = ${baseline}` };
  }
  const normalised = alg.name === 'ppo' ? ', then normalised to mean 0, std 1' : '';
  return { title: 'Advantages (GAE)', equation: `δₜ = rₜ + γ V(sₜ₊₁) − V(sₜ),  Âₜ = Σₗ (γλ)ˡ δₜ₊ₗ${normalised}` };
}

export function lossStage(alg: Algorithm): Stage {
  const kl = alg.klMode === 'loss' ? ' + β KL(π‖π_prior)' : '';
  const mle = alg.mleCoef > 0 ? ' + α NLL(data)' : '';
  switch (alg.name) {
    case 'ppo':
      return {
        title: `Gradient steps (${alg.ppoEpochs} epochs × ${alg.ppoMinibatches} minibatches)`,
        equation: `ρₜ = π(aₜ)/π_old(aₜ);  L = −mean min(ρₜÂₜ, clip(ρₜ, 1±${alg.ppoClip})Âₜ) + c_v (V − R)² − c_H H${kl}${mle}`,
      };
    case 'reinvent':
      return { title: 'Gradient step', equation: 'L = mean over the batch and the replayed molecules of (log P_aug(x) − log P_θ(x))²' };
    case 'a2c':
      return { title: 'Gradient step', equation: `L = −(1/B) Σ Âₜ log π(aₜ|sₜ) + c_v mean (V(sₜ) − Rₜ)² − c_H H${kl}${mle}` };
    default:
      return {
        title: 'Gradient step',
        equation: `L = −(1/B) Σ Aₜ log π(aₜ|sₜ)${alg.baseline === 'value' ? ' + c_v mean (V − G)²' : ''} − c_H H${kl}${mle}`,
      };
  }
}

export function rewardStage(alg: Algorithm): Stage {
  return {
    title: 'Rewards',
    equation:
      alg.klMode === 'reward'
        ? 'rₜ = −β (log π(aₜ) − log π_prior(aₜ)) on every step, + Σₖ wₖ scoreₖ(x) on the last'
        : 'r = Σₖ wₖ scoreₖ(x) on the last step (the KL to the prior is a loss term)',
  };
}

/** Formats a number for the live readouts: short, and honest about NaN. */
export function fmt(x: number | undefined, digits = 3): string {
  if (x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(digits);
}
