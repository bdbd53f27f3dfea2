// Rule rewards for the molecule task (the survey's "RL to maximise an objective"), computed with RDKit.js.
//
// Every term scores one number per SMILES in [0, 1]; a SMILES RDKit cannot parse scores 0 on every term. Scores are
// async (RDKit loads lazily) and every molecule RDKit allocates is freed before `score` returns (see src/core/chem).
//
// Terms with user-typed chemistry (similarity's query SMILES, substructure's SMARTS) or ordered bounds (the windows)
// also have `validate(params)`: it resolves to the list of problems, each with the parameter key and a message for the
// panel, and is empty when the term can run. Training must not start while any term reports a problem; `score` throws
// the same message if it is called anyway.
import { initChem, MAX_QUERY_LENGTH, type Chem, type Descriptors } from '../chem/index';
import { tanimoto } from '../chem/fingerprint';
import type { ParamSpec, ParamValues, RewardTerm } from './types';

/** A batch of decoded SMILES strings, as the molecule reward terms see it. */
export interface MoleculeBatch {
  smiles: string[];
}

/** One problem with a term's parameters, for an inline message beside the control. */
export interface ParamProblem {
  key: string;
  message: string;
}

export interface MoleculeRewardTerm extends RewardTerm<MoleculeBatch> {
  /** Problems with these parameters; [] when the term can score. */
  validate?(params: ParamValues): Promise<ParamProblem[]>;
}

function param(term: { params: readonly ParamSpec[] }, p: ParamValues, key: string): number | string | boolean {
  const v = p[key];
  if (v !== undefined) return v;
  const spec = term.params.find((s) => s.key === key);
  if (!spec) throw new Error(`Reward parameter "${key}" is not defined`);
  return spec.default;
}
const numParam = (term: { params: readonly ParamSpec[] }, p: ParamValues, key: string) => Number(param(term, p, key));
const textParam = (term: { params: readonly ParamSpec[] }, p: ParamValues, key: string) => String(param(term, p, key));

/** Score each valid SMILES with `f`; invalid ones get 0. */
async function perMolecule(batch: MoleculeBatch, f: (chem: Chem, smiles: string) => number): Promise<Float32Array> {
  const chem = await initChem();
  return Float32Array.from(batch.smiles, (s) => (chem.isValid(s) ? f(chem, s) : 0));
}

/** Score each valid SMILES from its descriptors. */
function perDescriptors(batch: MoleculeBatch, f: (d: Descriptors) => number): Promise<Float32Array> {
  return perMolecule(batch, (chem, s) => {
    const d = chem.descriptors(s);
    return d ? f(d) : 0;
  });
}

/**
 * 1 inside [low, high]; outside, a Gaussian fall-off exp(-½ (distance / softness)²) with the distance to the nearest
 * bound; softness 0 makes the window hard (0 outside).
 */
export function windowScore(x: number, low: number, high: number, softness: number): number {
  const distance = x < low ? low - x : x > high ? x - high : 0;
  if (distance === 0) return 1;
  if (softness <= 0) return 0;
  return Math.exp(-0.5 * (distance / softness) ** 2);
}

/** Halves the score for every unit outside [min, max] (counts: rings, donors, acceptors). */
export function countScore(n: number, min: number, max: number): number {
  const excess = n < min ? min - n : n > max ? n - max : 0;
  return 0.5 ** excess;
}

function windowTerm(
  id: string,
  label: string,
  description: string,
  property: (d: Descriptors) => number,
  bounds: { min: number; max: number; step: number; low: number; high: number; softness: number; softnessMax: number },
): MoleculeRewardTerm {
  const term: MoleculeRewardTerm = {
    id,
    task: 'molecules',
    label,
    description,
    use: 'objective',
    params: [
      { kind: 'number', key: 'low', label: 'Low', min: bounds.min, max: bounds.max, step: bounds.step, default: bounds.low },
      { kind: 'number', key: 'high', label: 'High', min: bounds.min, max: bounds.max, step: bounds.step, default: bounds.high },
      { kind: 'number', key: 'softness', label: 'Softness', min: 0, max: bounds.softnessMax, step: bounds.step, default: bounds.softness },
    ],
    defaultWeight: 1,
    validate: async (p) =>
      numParam(term, p, 'low') > numParam(term, p, 'high') ? [{ key: 'high', message: 'High must be at least Low.' }] : [],
    score: (batch, p) => {
      const low = numParam(term, p, 'low');
      const high = numParam(term, p, 'high');
      const softness = numParam(term, p, 'softness');
      if (low > high) throw new Error(`${label}: high must be at least low`);
      return perDescriptors(batch, (d) => windowScore(property(d), low, high, softness));
    },
  };
  return term;
}

export const validity: MoleculeRewardTerm = {
  id: 'validity',
  task: 'molecules',
  label: 'Valid molecule',
  description: '1 when RDKit can read the SMILES as a molecule, else 0.',
  use: 'objective',
  params: [],
  defaultWeight: 1,
  score: (batch) => perMolecule(batch, () => 1),
};

export const qed: MoleculeRewardTerm = {
  id: 'qed',
  task: 'molecules',
  label: 'Drug-likeness (QED)',
  description: 'Quantitative estimate of drug-likeness (Bickerton et al. 2012), from 0 to 1.',
  use: 'objective',
  params: [],
  defaultWeight: 1,
  score: (batch) => perMolecule(batch, (chem, s) => chem.qed(s) ?? 0),
};

export const logpWindow = windowTerm(
  'logp_window',
  'logP window',
  'Crippen logP inside the window scores 1, falling off outside it.',
  (d) => d.logP,
  { min: -10, max: 15, step: 0.1, low: 1, high: 3, softness: 0.5, softnessMax: 5 },
);

export const mwWindow = windowTerm(
  'mw_window',
  'Molecular weight window',
  'Molecular weight (g/mol) inside the window scores 1, falling off outside it.',
  (d) => d.mw,
  { min: 0, max: 1500, step: 1, low: 200, high: 500, softness: 50, softnessMax: 300 },
);

export const tpsaWindow = windowTerm(
  'tpsa',
  'Polar surface area window',
  'Topological polar surface area (Å²) inside the window scores 1, falling off outside it.',
  (d) => d.tpsa,
  { min: 0, max: 400, step: 1, low: 20, high: 140, softness: 20, softnessMax: 100 },
);

export const hbdHba: MoleculeRewardTerm = {
  id: 'hbd_hba',
  task: 'molecules',
  label: 'H-bond donors and acceptors',
  description: '1 when donors and acceptors are within their limits; halves for every one over a limit.',
  use: 'objective',
  params: [
    { kind: 'number', key: 'maxDonors', label: 'Max donors', min: 0, max: 20, step: 1, default: 5, integer: true },
    { kind: 'number', key: 'maxAcceptors', label: 'Max acceptors', min: 0, max: 30, step: 1, default: 10, integer: true },
  ],
  defaultWeight: 1,
  score: (batch, p) => {
    const maxDonors = numParam(hbdHba, p, 'maxDonors');
    const maxAcceptors = numParam(hbdHba, p, 'maxAcceptors');
    return perDescriptors(batch, (d) => countScore(d.hbd, 0, maxDonors) * countScore(d.hba, 0, maxAcceptors));
  },
};

/** Celecoxib, the query of REINVENT's classic similarity demo. */
const DEFAULT_QUERY = 'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1';

export const similarity: MoleculeRewardTerm = {
  id: 'similarity',
  task: 'molecules',
  label: 'Similarity to a molecule',
  description: 'Tanimoto similarity to the query molecule (Morgan fingerprints, radius 2, 2048 bits), from 0 to 1.',
  use: 'objective',
  params: [{ kind: 'text', key: 'query', label: 'Query SMILES', maxLength: MAX_QUERY_LENGTH, default: DEFAULT_QUERY }],
  defaultWeight: 1,
  validate: async (p) => {
    const message = (await initChem()).checkQuerySmiles(textParam(similarity, p, 'query'));
    return message ? [{ key: 'query', message }] : [];
  },
  score: async (batch, p) => {
    const chem = await initChem();
    const query = textParam(similarity, p, 'query').trim();
    const problem = chem.checkQuerySmiles(query);
    if (problem) throw new Error(`Similarity: ${problem}`);
    const queryFp = chem.morganFingerprint(query)!;
    return perMolecule(batch, (c, s) => {
      const fp = c.morganFingerprint(s);
      return fp ? tanimoto(fp, queryFp) : 0;
    });
  },
};

export const substructure: MoleculeRewardTerm = {
  id: 'substructure',
  task: 'molecules',
  label: 'Substructure',
  description: '1 when the SMARTS pattern is present (or, with "must not", absent), else 0.',
  use: 'objective',
  params: [
    { kind: 'text', key: 'smarts', label: 'SMARTS', maxLength: MAX_QUERY_LENGTH, default: 'c1ccccc1' },
    { kind: 'choice', key: 'mode', label: 'Pattern', options: ['must', 'must_not'], default: 'must' },
  ],
  defaultWeight: 1,
  validate: async (p) => {
    const problems: ParamProblem[] = [];
    const message = (await initChem()).checkSmarts(textParam(substructure, p, 'smarts'));
    if (message) problems.push({ key: 'smarts', message });
    const mode = textParam(substructure, p, 'mode');
    if (mode !== 'must' && mode !== 'must_not') problems.push({ key: 'mode', message: 'Choose "must" or "must_not".' });
    return problems;
  },
  score: async (batch, p) => {
    const chem = await initChem();
    const smarts = textParam(substructure, p, 'smarts').trim();
    const problem = chem.checkSmarts(smarts);
    if (problem) throw new Error(`Substructure: ${problem}`);
    const mustHave = textParam(substructure, p, 'mode') !== 'must_not';
    return perMolecule(batch, (c, s) => (c.hasSubstructure(s, smarts) === mustHave ? 1 : 0));
  },
};

export const ringCount: MoleculeRewardTerm = {
  id: 'ring_count',
  task: 'molecules',
  label: 'Ring count',
  description: '1 when the number of rings is within the range; halves for every ring too many or too few.',
  use: 'objective',
  params: [
    { kind: 'number', key: 'min', label: 'Min rings', min: 0, max: 10, step: 1, default: 1, integer: true },
    { kind: 'number', key: 'max', label: 'Max rings', min: 0, max: 10, step: 1, default: 4, integer: true },
  ],
  defaultWeight: 1,
  validate: async (p) =>
    numParam(ringCount, p, 'min') > numParam(ringCount, p, 'max') ? [{ key: 'max', message: 'Max rings must be at least Min rings.' }] : [],
  score: (batch, p) => {
    const min = numParam(ringCount, p, 'min');
    const max = numParam(ringCount, p, 'max');
    return perDescriptors(batch, (d) => countScore(d.rings, min, max));
  },
};

export const MOLECULE_TERMS = [validity, qed, logpWindow, mwWindow, tpsaWindow, hbdHba, similarity, substructure, ringCount] as const;

/** Problems with one configured molecule term's parameters ([] for unknown ids or terms without a check). */
export async function validateMoleculeTerm(id: string, params: ParamValues): Promise<ParamProblem[]> {
  const term = MOLECULE_TERMS.find((t) => t.id === id);
  return term?.validate ? term.validate(params) : [];
}
