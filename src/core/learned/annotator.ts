// The simulated annotator: a rule reward term plays the human and labels pairs, so the RLHF loop runs hands-free.
// Two noise models, so the loop can be shown with an imperfect teacher:
//  - 'flip': the annotator prefers the higher-scoring sample (a tie when the scores are equal) and then flips its answer
//    with probability p, like the random label noise Nguyen et al. (2017) add to simulated ratings;
//  - 'bradley-terry': the annotator itself follows the Bradley–Terry model with a temperature τ,
//    P(a ≻ b) = σ((s(a) − s(b)) / τ): near-equal samples become coin flips, clearly different ones almost never are.
//    Equal scores give a fair coin, never a tie (the model has no tie outcome).
import type { PreferenceChoice } from './bradleyTerry';

export type AnnotatorNoise = 'flip' | 'bradley-terry';

export interface AnnotatorSettings {
  noise: AnnotatorNoise;
  /** 'flip': probability of answering the opposite of the truth (ties stay ties). */
  flip: number;
  /** 'bradley-terry': temperature τ of the choice (→ 0: always the better one). */
  temperature: number;
}

/** One label from the true scores of a pair; `uniform` draws from [0, 1). */
export function annotate(scoreA: number, scoreB: number, settings: AnnotatorSettings, uniform: () => number): PreferenceChoice {
  if (settings.noise === 'bradley-terry') {
    const pA = 1 / (1 + Math.exp(-(scoreA - scoreB) / Math.max(settings.temperature, 1e-6)));
    return uniform() < pA ? 'a' : 'b';
  }
  if (scoreA === scoreB) return 'tie';
  const truth: PreferenceChoice = scoreA > scoreB ? 'a' : 'b';
  if (uniform() >= settings.flip) return truth;
  return truth === 'a' ? 'b' : 'a';
}
