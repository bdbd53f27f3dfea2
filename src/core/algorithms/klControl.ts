// The KL penalty's coefficient β: fixed, or adapted so the KL to the prior tracks a target (Ziegler et al. 2019, §2.2):
//   e_t = clip((KL_t − KL_target) / KL_target, −0.2, 0.2),   β_{t+1} = β_t (1 + K_β e_t),   K_β = 0.1
export const ADAPTIVE_KL_GAIN = 0.1;

export class KlController {
  constructor(
    public beta: number,
    private readonly target: number,
  ) {}

  /** Feeds the mean per-sample KL of the last batch; a no-op when the target is 0 (fixed β). */
  observe(kl: number): void {
    if (this.target <= 0 || !Number.isFinite(kl)) return;
    const error = Math.min(0.2, Math.max(-0.2, (kl - this.target) / this.target));
    this.beta *= 1 + ADAPTIVE_KL_GAIN * error;
  }
}

/** Linear annealing to 0 over `updates` (0 = constant). */
export function annealed(value: number, update: number, updates: number): number {
  return updates > 0 ? value * Math.max(0, 1 - update / updates) : value;
}
