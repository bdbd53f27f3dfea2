// Baselines b for REINFORCE: subtracting any quantity that does not depend on the action keeps the gradient
// unbiased and lowers its variance (Williams 1992; Sutton & Barto §13.4).
import type { ExperimentConfig } from '../config';

export interface Baseline {
  /** The baseline for this batch, given each sample's total return. */
  value(returns: Float32Array): number;
  /** Learn from this batch (after value() was used for it). */
  observe(returns: Float32Array): void;
  getState(): number[];
  setState(state: readonly number[]): void;
}

const mean = (x: Float32Array) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0);

/** b = mean return of the current batch. */
export class BatchMeanBaseline implements Baseline {
  value(returns: Float32Array) {
    return mean(returns);
  }
  observe() {}
  getState() {
    return [];
  }
  setState() {}
}

/** b = exponential moving average of past batch means: b ← decay · b + (1 − decay) · mean(G). */
export class MovingAverageBaseline implements Baseline {
  private average: number | null = null;
  constructor(private readonly decay: number) {}
  value(returns: Float32Array) {
    return this.average ?? mean(returns);
  }
  observe(returns: Float32Array) {
    const m = mean(returns);
    this.average = this.average === null ? m : this.decay * this.average + (1 - this.decay) * m;
  }
  getState() {
    return this.average === null ? [] : [this.average];
  }
  setState(state: readonly number[]) {
    this.average = state.length ? state[0] : null;
  }
}

/**
 * Self-critical baseline (Rennie et al. 2017): b = the return of the policy's own greedy decode. Samples that beat
 * the current greedy output are reinforced, the others suppressed. The trainer sets the greedy return each update.
 */
export class SelfCriticalBaseline implements Baseline {
  greedyReturn = 0;
  value() {
    return this.greedyReturn;
  }
  observe() {}
  getState() {
    return [];
  }
  setState() {}
}

/** The scalar baseline for REINFORCE; 'value' (a learned V(s_t)) is handled by the actor-critic loss instead. */
export function makeBaseline(algorithm: ExperimentConfig['algorithm']): Baseline {
  switch (algorithm.baseline) {
    case 'ema':
      return new MovingAverageBaseline(algorithm.baselineDecay);
    case 'self-critical':
      return new SelfCriticalBaseline();
    default:
      return new BatchMeanBaseline();
  }
}
