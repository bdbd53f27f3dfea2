// Pearson's chi-square goodness-of-fit test with an exact p-value (regularised upper incomplete gamma),
// used by the sampler tests and available to anyone who wants to check a sampler.

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Q(a, x) = Γ(a, x) / Γ(a): a power series below x = a + 1, a continued fraction (modified Lentz) above. */
export function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 10_000; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P(X >= statistic) for X ~ chi-square with `dof` degrees of freedom. */
export function chiSquarePValue(statistic: number, dof: number): number {
  return regularizedUpperGamma(dof / 2, statistic / 2);
}

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
  /** Draws that fell on a category with probability 0: any is a failure the chi-square cannot express. */
  impossible: number;
}

/**
 * Goodness of fit of observed counts to probabilities. Categories whose expected count is below 5 are pooled
 * into one bin (the usual validity rule for the chi-square approximation).
 */
export function chiSquareTest(counts: ArrayLike<number>, probabilities: ArrayLike<number>): ChiSquareResult {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  let statistic = 0;
  let bins = 0;
  let pooledObserved = 0;
  let pooledExpected = 0;
  let impossible = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = n * probabilities[i];
    if (probabilities[i] === 0) {
      impossible += counts[i];
      continue;
    }
    if (expected < 5) {
      pooledObserved += counts[i];
      pooledExpected += expected;
      continue;
    }
    statistic += (counts[i] - expected) ** 2 / expected;
    bins++;
  }
  if (pooledExpected > 0) {
    statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
    bins++;
  }
  const dof = Math.max(1, bins - 1);
  return { statistic, dof, pValue: chiSquarePValue(statistic, dof), impossible };
}
