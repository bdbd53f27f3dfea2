// A diverging, colour-blind-safe scale for per-token advantages: blue below 0, orange above, transparent at 0.
const NEGATIVE = '0, 114, 178';
const POSITIVE = '230, 159, 0';

export function advantageColour(advantage: number, maxAbs: number): string {
  if (!Number.isFinite(advantage) || maxAbs <= 0) return 'transparent';
  const strength = Math.min(1, Math.abs(advantage) / maxAbs) * 0.7;
  return `rgba(${advantage < 0 ? NEGATIVE : POSITIVE}, ${strength.toFixed(3)})`;
}

/** The largest |advantage| over the samples that carry per-token advantages (the scale's end). */
export function advantageScale(samples: readonly { steps?: { advantage: number }[] }[]): number {
  let max = 0;
  for (const s of samples) for (const step of s.steps ?? []) if (Number.isFinite(step.advantage)) max = Math.max(max, Math.abs(step.advantage));
  return max;
}
