/// <reference types="node" />
// The SMILES syntax guard: its rules, that valid SMILES never meet a forbidden token, and that every path that uses it
// (teacher-forced logits, the step-by-step sampler, the fused rollout's CPU twin) applies the same rules and agrees
// on log-probabilities. On the CPU backend; test/browser/kernels-gru-rollout.test.ts pairs the WGSL kernel with it.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gruRolloutCpu } from '../../src/core/kernels/gruRolloutCpu';
import { sampleCompletions } from '../../src/core/learned/monteCarlo';
import { CharGru } from '../../src/core/models/charGru';
import { guardSequenceLogits } from '../../src/core/models/syntaxGuard';
import { Rng } from '../../src/core/rng';
import { sampleSequences } from '../../src/core/rollout';
import { shiftRight, tokenLogProbs } from '../../src/core/sequences';
import {
  GUARD_START,
  guardAdvance,
  guardAllows,
  KIND_BRANCH_CLOSE,
  KIND_BRANCH_OPEN,
  KIND_PLAIN,
  KIND_RING_FIRST,
  MASKED_LOGIT,
  smilesTokenKinds,
  type GuardState,
} from '../../src/core/tasks/smilesSyntaxGuard';
import { SmilesTokenizer, tokenizeSmiles } from '../../src/core/tasks/smilesTokenizer';

const DATA_DIR = process.env.SMILES_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data/smiles/', import.meta.url));
const hasData = existsSync(`${DATA_DIR}/test.smi`);
if (!hasData) console.warn(`SMILES data not found in ${DATA_DIR} (set SMILES_DATA_DIR): the guard's check on 10,000 held-out molecules is skipped`);

const SHIPPED_VOCABULARY: string[] = JSON.parse(readFileSync(fileURLToPath(new URL('../../public/priors/molecules-e32-h384.json', import.meta.url)), 'utf8')).vocab;
const kinds = smilesTokenKinds(SHIPPED_VOCABULARY);
const tokenizer = new SmilesTokenizer({ kind: 'smiles-reinvent', version: 1, tokens: SHIPPED_VOCABULARY });

const WELL_FORMED = [
  'CCO',
  'c1ccccc1',
  'CC(C)(C)c1ccc(O)cc1',
  'O=C(O)c1ccccc1OC(C)=O',
  'c1ccc2c(c1)ccc1ccccc12',
  'CN1CCC23c4c5ccc(O)c4OC2C(O)C=CC3C1C5',
  'C1CC2CCC1C2',
  'Cc1ccc(S(=O)(=O)N2CCN(C(=O)c3ccc4c(c3)OCO4)CC2)cc1',
];

/** The steps of a sequence (ending with the end token) whose token the reference rules forbid, in T steps at most. */
function forbiddenSteps(ids: readonly number[], T = 100): number[] {
  let state: GuardState = GUARD_START;
  const forbidden: number[] = [];
  ids.forEach((id, t) => {
    if (!guardAllows(kinds, state, id, T - t)) forbidden.push(t);
    state = guardAdvance(kinds, state, id);
  });
  return forbidden;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('token kinds of the shipped vocabulary', () => {
  it('marks branches and ring labels and nothing else', () => {
    const of = (token: string) => kinds[SHIPPED_VOCABULARY.indexOf(token)];
    expect(of('(')).toBe(KIND_BRANCH_OPEN);
    expect(of(')')).toBe(KIND_BRANCH_CLOSE);
    const ringKinds = ['1', '2', '3', '4', '5', '6', '7'].map(of);
    expect(new Set(ringKinds).size).toBe(7);
    expect(ringKinds.every((k) => k >= KIND_RING_FIRST)).toBe(true);
    for (const token of ['<eos>', 'c', 'C', 'Cl', '[nH]', '=', '#', '[C@@H]', '/']) expect(of(token)).toBe(KIND_PLAIN);
    expect(smilesTokenKinds(['<eos>', '%10', '%11', 'C'])).toEqual(Int32Array.from([0, 3, 4, 0]));
  });
});

describe('the rules', () => {
  it('never forbid a token of a well-formed SMILES, nor its end', () => {
    for (const s of WELL_FORMED) expect(forbiddenSteps(tokenizer.encode(s)), s).toEqual([]);
  });

  it.skipIf(!hasData)('never forbid a token of the 10,000 held-out molecules', () => {
    const lines = readFileSync(`${DATA_DIR}/test.smi`, 'utf8').split('\n').filter(Boolean);
    let checked = 0;
    for (const s of lines) {
      if (tokenizeSmiles(s).some((t) => !SHIPPED_VOCABULARY.includes(t))) continue;
      expect(forbiddenSteps(tokenizer.encode(s)), s).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(9900);
  });

  it('forbid an unmatched ")", and the end while a branch or ring bond is open', () => {
    expect(forbiddenSteps(tokenizer.encode('C)C'))).toEqual([1]);
    expect(forbiddenSteps(tokenizer.encode('CC(C'))).toEqual([4]); // the end
    expect(forbiddenSteps(tokenizer.encode('c1cccc'))).toEqual([6]);
    expect(forbiddenSteps(tokenizer.encode('C1CC2CC1'))).toEqual([8]); // ring 2 still open
    expect(forbiddenSteps(tokenizer.encode('C1CC1C1CC1'))).toEqual([]); // a label reused after it closed
  });

  it('keep room to close what is open: a SMILES fits exactly in its own length, and no shorter', () => {
    for (const s of WELL_FORMED) {
      const ids = tokenizer.encode(s);
      expect(forbiddenSteps(ids, ids.length), s).toEqual([]);
      expect(forbiddenSteps(ids, ids.length - 1).length, s).toBeGreaterThan(0);
    }
    // Two steps left with a ring bond open: only its closing label may come, then the end.
    const state = guardAdvance(kinds, guardAdvance(kinds, GUARD_START, tokenizer.encode('C')[0]), SHIPPED_VOCABULARY.indexOf('1'));
    const allowed = SHIPPED_VOCABULARY.map((_, v) => v).filter((v) => guardAllows(kinds, state, v, 2));
    expect(allowed.map((v) => SHIPPED_VOCABULARY[v])).toEqual(['1']);
    // Three steps left: also a plain atom, but no new branch or ring label (they could not be closed in time).
    const three = SHIPPED_VOCABULARY.filter((_, v) => guardAllows(kinds, state, v, 3));
    expect(three).toContain('C');
    expect(three).toContain('1');
    expect(three).not.toContain('(');
    expect(three).not.toContain('2');
  });
});

/** A model whose logits favour ")" and the end token, so an unguarded sampler would break both rules often. */
function mischievousModel(seed: number): CharGru {
  const model = CharGru.init({ vocab: SHIPPED_VOCABULARY.length, embedding: 8, hidden: 16 }, seed, false, `guard-${seed}`);
  const bias = new Float32Array(SHIPPED_VOCABULARY.length);
  bias[0] = 2.5;
  bias[SHIPPED_VOCABULARY.indexOf(')')] = 3;
  bias[SHIPPED_VOCABULARY.indexOf('1')] = 2;
  bias[SHIPPED_VOCABULARY.indexOf('(')] = 2;
  model.weights.logitsBias.assign(tf.tensor1d(bias));
  return model;
}

async function rows(tokens: tf.Tensor2D, mask: tf.Tensor2D): Promise<number[][]> {
  const [B, T] = tokens.shape;
  const [t, m] = [await tokens.data(), await mask.data()];
  return Array.from({ length: B }, (_, b) => {
    const row: number[] = [];
    for (let s = 0; s < T && m[b * T + s] === 1; s++) row.push(t[b * T + s]);
    return row;
  });
}

/** Every row of at most T steps breaks no rule, and ends (with the end token) within its T steps. */
function expectRowsObeyRules(sampled: number[][], T: number): void {
  for (const row of sampled) {
    let state: GuardState = GUARD_START;
    row.forEach((id, t) => {
      expect(guardAllows(kinds, state, id, T - t), tokenizer.decode(row)).toBe(true);
      state = guardAdvance(kinds, state, id);
    });
    expect(row.at(-1), tokenizer.decode(row)).toBe(0);
  }
}

describe('guarded sampling and scoring', () => {
  const B = 256;
  const T = 24;

  it('without the guard, the same model breaks the rules (so the test below can fail)', async () => {
    const model = mischievousModel(3);
    const out = sampleSequences(model, { batchSize: B, maxLength: T, temperature: 1, seed: 5, counter: 0 });
    const broken = (await rows(out.tokens, out.mask)).filter((row) => forbiddenSteps(row, T).length > 0 || row.at(-1) !== 0);
    expect(broken.length).toBeGreaterThan(B / 2);
    model.dispose();
  });

  it('the step-by-step sampler obeys the rules, and its log-probabilities are the guarded teacher-forced ones', async () => {
    const model = mischievousModel(3);
    model.syntaxGuard = kinds;
    const out = sampleSequences(model, { batchSize: B, maxLength: T, temperature: 1, seed: 5, counter: 0 });
    const sampled = await rows(out.tokens, out.mask);
    expectRowsObeyRules(sampled, T);
    expect(sampled.filter((row) => row.includes(SHIPPED_VOCABULARY.indexOf(')'))).length).toBeGreaterThan(B / 4);

    const teacherForced = tokenLogProbs(model.forwardSequence(shiftRight(out.tokens)).logits, out.tokens);
    const [a, b, m] = [await out.logProbs.data(), await teacherForced.data(), await out.mask.data()];
    let worst = 0;
    for (let i = 0; i < a.length; i++) if (m[i] === 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
  });

  it('sequences cut short after their ends score as whole ones when the horizon they were sampled with is given', async () => {
    const model = mischievousModel(5);
    model.syntaxGuard = kinds;
    const horizon = 48;
    const out = sampleSequences(model, { batchSize: 64, maxLength: horizon, temperature: 1, seed: 8, counter: 0 });
    // The rows that ended well before the horizon, padded as sampled (end tokens after the end) to the horizon …
    const shortRows = (await rows(out.tokens, out.mask)).filter((row) => row.length <= horizon / 2);
    expect(shortRows.length).toBeGreaterThan(8);
    const padded = shortRows.map((row) => [...row, ...new Array<number>(horizon - row.length).fill(0)]);
    const whole = tf.tensor2d(padded, [shortRows.length, horizon], 'int32');
    // … and cut after the longest of them, as REINVENT's update does.
    const cut = Math.max(...shortRows.map((row) => row.length));
    const short = tf.slice(whole, [0, 0], [shortRows.length, cut]) as tf.Tensor2D;
    const scored = async (tokens: tf.Tensor2D, horizon?: number) =>
      tokenLogProbs(model.forwardSequence(shiftRight(tokens), { horizon }).logits, tokens).array() as Promise<number[][]>;
    const [full, withHorizon, withoutHorizon] = [await scored(whole), await scored(short, horizon), await scored(short)];
    let worst = 0;
    let differs = 0;
    shortRows.forEach((row, b) =>
      row.forEach((_, t) => {
        worst = Math.max(worst, Math.abs(withHorizon[b][t] - full[b][t]));
        if (Math.abs(withoutHorizon[b][t] - full[b][t]) > 1e-3) differs++;
      }),
    );
    expect(worst).toBeLessThan(1e-5);
    expect(differs).toBeGreaterThan(0); // the budget binds near the cut: forgetting the horizon would change the policy
    expect(() => model.forwardSequence(shiftRight(whole), { horizon: horizon - 1 })).toThrow(/horizon/);
    model.dispose();
  });

  it('masked logits equal the reference rules on random sequences', async () => {
    const rng = new Rng(11);
    const V = SHIPPED_VOCABULARY.length;
    const inputs: number[][] = Array.from({ length: 40 }, () => [0, ...Array.from({ length: 15 }, () => Math.floor(rng.float() * V))]);
    const logits = tf.zeros([40, 16, V]) as tf.Tensor3D;
    const masked = await guardSequenceLogits(logits, tf.tensor2d(inputs, [40, 16], 'int32'), kinds, 16).data();
    inputs.forEach((row, b) => {
      let state: GuardState = GUARD_START;
      row.forEach((id, t) => {
        state = guardAdvance(kinds, state, id); // the state before predicting step t includes input t
        for (let v = 0; v < V; v++) expect(masked[(b * 16 + t) * V + v]).toBe(guardAllows(kinds, state, v, 16 - t) ? 0 : MASKED_LOGIT);
      });
    });
  });

  it("the fused rollout's CPU twin draws the same tokens as the step-by-step sampler, with the same log-probabilities", async () => {
    const model = mischievousModel(8);
    model.syntaxGuard = kinds;
    const opts = { batchSize: 64, maxLength: T, temperature: 0.8, seed: 9, counter: 40 };
    const stepwise = sampleSequences(model, { ...opts, fused: false });
    const values = await model.readValues();
    const twin = gruRolloutCpu(values as never, { ...opts, syntaxGuard: kinds });
    const [tokens, mask, logProbs] = [await stepwise.tokens.data(), await stepwise.mask.data(), await stepwise.logProbs.data()];
    let agreeing = 0;
    let worst = 0;
    for (let b = 0; b < opts.batchSize; b++) {
      let same = true;
      for (let t = 0; t < T; t++) {
        const at = b * T + t;
        if (mask[at] !== twin.mask[at] || (mask[at] === 1 && tokens[at] !== twin.tokens[at])) same = false;
      }
      if (!same) continue;
      agreeing++;
      for (let t = 0; t < T; t++) if (mask[b * T + t] === 1) worst = Math.max(worst, Math.abs(logProbs[b * T + t] - twin.logProbs[b * T + t]));
    }
    expect(agreeing).toBeGreaterThanOrEqual(62); // a draw exactly at the edge of a bin may differ by rounding
    expect(worst).toBeLessThan(1e-4);
    expectRowsObeyRules(await rows(tf.tensor2d(twin.tokens, [opts.batchSize, T], 'int32'), tf.tensor2d(twin.mask, [opts.batchSize, T])), T);
    model.dispose();
  });

  it("SeqGAN's Monte-Carlo completions keep the rules, the guard's state running over each copied prefix", async () => {
    const model = mischievousModel(4);
    model.syntaxGuard = kinds;
    const prefixes = sampleSequences(model, { batchSize: 16, maxLength: 12, temperature: 1, seed: 2, counter: 0 });
    const out = sampleCompletions(model, prefixes.tokens, { n: 2, temperature: 1, seed: 6, counter: 100 });
    const completed = await rows(out.tokens, out.mask);
    expect(completed).toHaveLength(16 * 12 * 2);
    expectRowsObeyRules(completed, 12);
    // Without the guard, the same completions break them: the check above can fail.
    model.syntaxGuard = null;
    const loose = sampleCompletions(model, prefixes.tokens, { n: 2, temperature: 1, seed: 6, counter: 100 });
    expect((await rows(loose.tokens, loose.mask)).filter((row) => forbiddenSteps(row, 12).length > 0).length).toBeGreaterThan(50);
    model.dispose();
  });
});
