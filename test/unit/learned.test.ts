// The learned-reward building blocks that need no browser: the Bradley–Terry loss (a hand-computed value and finite
// differences), the simulated annotator's noise (statistically), the label store's held-out split and the pair choice,
// and the `learned` section of the config and its links.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseConfig } from '../../src/core/config';
import { annotate, type AnnotatorSettings } from '../../src/core/learned/annotator';
import { bradleyTerryLoss, bradleyTerryLossScalar, preferenceProbability } from '../../src/core/learned/bradleyTerry';
import { qDifferences } from '../../src/core/learned/monteCarlo';
import { choosePairs, HELD_OUT_EVERY, PreferenceStore, readLabelledPairs, type LabelledPair } from '../../src/core/learned/preferences';
import { Rng } from '../../src/core/rng';
import { decodeHash, encodeConfig } from '../../src/share';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Bradley–Terry loss', () => {
  it('matches a value computed by hand', () => {
    // Pair 1: a preferred, r(a) − r(b) = 1 → −log σ(1) = log(1 + e⁻¹) = 0.31326169.
    // Pair 2: a tie at equal rewards → −(½ log ½ + ½ log ½) = log 2 = 0.69314718.
    const expected = (0.31326169 + 0.69314718) / 2;
    expect(bradleyTerryLossScalar([1, 0.3], [0, 0.3], [1, 0.5])).toBeCloseTo(expected, 7);
    const loss = bradleyTerryLoss(tf.tensor1d([1, 0.3]), tf.tensor1d([0, 0.3]), tf.tensor1d([1, 0.5]));
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    // b preferred is the mirror image.
    expect(bradleyTerryLossScalar([0], [1], [0])).toBeCloseTo(0.31326169, 7);
    expect(preferenceProbability(1, 0)).toBeCloseTo(0.73105858, 7);
  });

  it('stays finite for large reward gaps', () => {
    expect(bradleyTerryLossScalar([200], [-200], [0])).toBeCloseTo(400, 6);
    expect(bradleyTerryLoss(tf.tensor1d([200]), tf.tensor1d([-200]), tf.tensor1d([1])).dataSync()[0]).toBeCloseTo(0, 6);
  });

  it('has the gradient finite differences give, (σ(d) − y) / N with respect to r(a)', () => {
    const rng = new Rng(5);
    const n = 6;
    const rA = Array.from({ length: n }, () => rng.normal());
    const rB = Array.from({ length: n }, () => rng.normal());
    const y = [1, 0, 0.5, 1, 0, 0.5];
    const [gA, gB] = tf.grads((a: tf.Tensor, b: tf.Tensor) => bradleyTerryLoss(a as tf.Tensor1D, b as tf.Tensor1D, tf.tensor1d(y)))([tf.tensor1d(rA), tf.tensor1d(rB)]);
    const analyticA = gA.dataSync();
    const analyticB = gB.dataSync();
    const h = 1e-4;
    for (let i = 0; i < n; i++) {
      const plus = [...rA];
      const minus = [...rA];
      plus[i] += h;
      minus[i] -= h;
      const numeric = (bradleyTerryLossScalar(plus, rB, y) - bradleyTerryLossScalar(minus, rB, y)) / (2 * h);
      expect(analyticA[i]).toBeCloseTo(numeric, 4);
      expect(analyticA[i]).toBeCloseTo((preferenceProbability(rA[i], rB[i]) - y[i]) / n, 5);
      expect(analyticB[i]).toBeCloseTo(-analyticA[i], 6);
    }
  });
});

describe("SeqGAN's Monte-Carlo per-token rewards", () => {
  it('hands Q values over as differences whose reward-to-go (plus D(x) at the end) is Q_t', () => {
    // One sample of length 3 (steps 0, 1, 2; step 2 is its end-of-sequence token), T = 4.
    const q = tf.tensor2d([[0.2, 0.5, 0.9, 0.7]]);
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const r = Array.from(qDifferences(q, tf.tensor1d([0.8]), mask).dataSync());
    [-0.3, -0.3, 0, 0].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 6));
    // G_t = Σ_{t' ≥ t} r_t' + D(x) (the task reward at the last step) = Q_t for every step before the last.
    expect(r[0] + r[1] + r[2] + 0.8).toBeCloseTo(0.2, 6);
    expect(r[1] + r[2] + 0.8).toBeCloseTo(0.5, 6);
  });
});

describe('simulated annotator', () => {
  const trials = 20_000;
  const share = (settings: AnnotatorSettings, a: number, b: number, seed: number) => {
    const rng = new Rng(seed);
    const counts = { a: 0, b: 0, tie: 0 };
    for (let i = 0; i < trials; i++) counts[annotate(a, b, settings, () => rng.float())]++;
    return { a: counts.a / trials, b: counts.b / trials, tie: counts.tie / trials };
  };
  // Within 4 standard errors of the expected share.
  const near = (got: number, p: number) => expect(Math.abs(got - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / trials) + 1e-12);

  it('without noise always prefers the higher score, and calls equal scores a tie', () => {
    const clean: AnnotatorSettings = { noise: 'flip', flip: 0, temperature: 1 };
    expect(share(clean, 1, 0, 1)).toEqual({ a: 1, b: 0, tie: 0 });
    expect(share(clean, 0, 0.5, 2)).toEqual({ a: 0, b: 1, tie: 0 });
    expect(share(clean, 0.3, 0.3, 3)).toEqual({ a: 0, b: 0, tie: 1 });
  });

  it('flips a label with the configured probability (ties stay ties)', () => {
    const noisy: AnnotatorSettings = { noise: 'flip', flip: 0.2, temperature: 1 };
    near(share(noisy, 1, 0, 4).b, 0.2);
    near(share(noisy, 0, 1, 5).a, 0.2);
    expect(share(noisy, 1, 1, 6).tie).toBe(1);
  });

  it('samples from Bradley–Terry with a temperature', () => {
    const bt = (temperature: number): AnnotatorSettings => ({ noise: 'bradley-terry', flip: 0, temperature });
    near(share(bt(0.5), 1, 0, 7).a, 1 / (1 + Math.exp(-2)));
    near(share(bt(2), 1, 0, 8).a, 1 / (1 + Math.exp(-0.5)));
    near(share(bt(1), 0.4, 0.4, 9).a, 0.5);
    expect(share(bt(0.01), 1, 0, 10).a).toBe(1);
  });
});

describe('labelled pairs', () => {
  const pair = (i: number): LabelledPair => ({ a: `a${i}`, b: `b${i}`, choice: 'a', source: 'annotator', update: i });

  it(`holds out every ${HELD_OUT_EVERY}th label, and keeps the split after a save and load`, () => {
    const store = new PreferenceStore();
    for (let i = 0; i < 23; i++) store.add(pair(i));
    const { train, heldOut } = store.split();
    expect(heldOut.map((p) => p.update)).toEqual([4, 9, 14, 19]);
    expect(train).toHaveLength(19);
    const copy = new PreferenceStore();
    copy.load(store.all());
    expect(copy.split()).toEqual(store.split());
  });

  it('refuses malformed saved pairs with a path', () => {
    expect(readLabelledPairs([pair(1)]).ok).toBe(true);
    const bad = readLabelledPairs([{ ...pair(1), choice: 'maybe' }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('0.choice');
  });

  it('pairs distinct texts; "uncertain" takes the pairs with the closest scores', () => {
    const texts = ['ann', 'ann', 'bob', 'cara', 'dan', 'eva', 'fay', 'gus'];
    const random = choosePairs(texts, 3, 'random', new Rng(1));
    expect(random).toHaveLength(3);
    for (const [i, j] of random) expect(texts[i]).not.toBe(texts[j]);
    const scores = [0, 0, 1, 1.05, 5, 9, 3, -4];
    const uncertain = choosePairs(texts, 2, 'uncertain', new Rng(1), scores);
    const margins = uncertain.map(([i, j]) => Math.abs(scores[i] - scores[j]));
    // Every chosen pair is at least as close as any candidate left out among the 4n shuffled candidates.
    const all = choosePairs(texts, 8, 'random', new Rng(1)).map(([i, j]) => Math.abs(scores[i] - scores[j]));
    expect(Math.max(...margins)).toBeLessThanOrEqual([...all].sort((x, y) => x - y)[1] + 1e-12);
  });

  it('never offers the same pair twice, even when later rounds of shuffling draw it again', () => {
    // Three distinct samples make three pairs; asking for more takes several rounds, and each pair comes once.
    const texts = ['a', 'b', 'c', 'a', 'b', 'c'];
    for (const selection of ['random', 'uncertain'] as const) {
      const pairs = choosePairs(texts, 12, selection, new Rng(2), [0, 1, 2, 0, 1, 2]);
      const keys = pairs.map(([i, j]) => (i < j ? `${i}-${j}` : `${j}-${i}`));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBeGreaterThan(3);
    }
  });
});

describe('learned-reward config', () => {
  it('has defaults: no simulated annotator, k = 3 discriminator steps, random pairs', () => {
    const parsed = parseConfig({});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.learned).toEqual({
      discriminatorSteps: 3,
      discriminatorLearningRate: 3e-3,
      monteCarloRollouts: 0,
      rewardModelSteps: 4,
      rewardModelLearningRate: 1e-3,
      pairSelection: 'random',
      annotator: { term: '', params: {}, noise: 'flip', flip: 0, temperature: 0.1, pairsPerUpdate: 8 },
    });
  });

  it('accepts the learned reward terms and a rule term as annotator, filling its parameters', () => {
    const parsed = parseConfig({ rewards: [{ id: 'preference' }, { id: 'discriminator', weight: 0.5 }], learned: { annotator: { term: 'ends_with' } } });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.config.learned.annotator.params).toEqual({ suffix: 'a' });
  });

  it.each([
    [{ annotator: { term: 'preference' } }, 'learned.annotator.term', 'needs a rule reward term of task names'],
    [{ annotator: { term: 'qed' } }, 'learned.annotator.term', '"qed" is not one'],
    [{ annotator: { term: 'ends_with', params: { suffix: 'A!' } } }, 'learned.annotator.params.suffix', 'Suffix must be'],
    [{ annotator: { flip: 0.7 } }, 'learned.annotator.flip', 'The flip probability must be at most 0.5'],
    [{ annotator: { noise: 'loud' } }, 'learned.annotator.noise', 'must be one of flip, bradley-terry'],
    [{ discriminatorSteps: 2.5 }, 'learned.discriminatorSteps', 'must be a whole number'],
    [{ rewardModelLearningRate: 0 }, 'learned.rewardModelLearningRate', 'must be at least 0.000001'],
    [{ pairSelection: 'best' }, 'learned.pairSelection', 'Pair selection must be one of random, uncertain'],
  ])('refuses %j at its path with a clear message', (learned, path, message) => {
    const parsed = parseConfig({ learned });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const error = parsed.errors.find((e) => e.path === path);
    expect(error, JSON.stringify(parsed.errors)).toBeDefined();
    expect(error!.message).toContain(message);
  });

  it('round-trips through a link, and a default learned section adds nothing to it', () => {
    const parsed = parseConfig({
      rewards: [{ id: 'preference', weight: 2 }],
      learned: { discriminatorSteps: 5, pairSelection: 'uncertain', annotator: { term: 'contains', params: { substring: 'el' }, noise: 'bradley-terry', temperature: 0.5, pairsPerUpdate: 16 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const decoded = decodeHash(`#${encodeConfig(parsed.config)}`);
    expect(decoded.error).toBeNull();
    expect(decoded.config).toEqual(parsed.config);
    const plain = parseConfig({});
    if (!plain.ok) throw new Error('defaults');
    expect(encodeConfig(plain.config)).toBe(encodeConfig({ ...plain.config, learned: structuredClone(plain.config.learned) }));
    expect(decodeHash(`#${encodeConfig(plain.config)}`).config.learned).toEqual(plain.config.learned);
  });
});
