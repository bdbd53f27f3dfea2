// SMILES tokenizer, as in REINVENT: bracket atoms "[...]", two-digit ring closures "%NN", the two-letter halogens
// "Br" and "Cl", and otherwise single characters. Every SMILES is exactly the concatenation of its tokens.
//
// Vocabulary layout (stored with the model, see `SmilesVocabulary`):
//   index 0  EOS_TOKEN: end of sequence. It is ALSO the start input: the policy's first input is 0, and a sampled 0 ends
//            the molecule. One special token does both jobs, so there is nothing to mask and no padding id to confuse.
//   1..V-1   the data's tokens, most frequent first (ties in code-point order), so a vocabulary built from the same data
//            is always the same.
// A training sequence for a SMILES with token ids t1..tn is: inputs [0, t1, ..., tn], targets [t1, ..., tn, 0].

/** REINVENT's token pattern: `(\[[^\]]*\]|%\d{2}|Br|Cl|.)`. */
export const SMILES_TOKEN_PATTERN = /(\[[^\]]*\]|%\d{2}|Br|Cl|.)/g;

/** End of sequence, also used as the start input. */
export const EOS_TOKEN = '<eos>';
export const EOS_INDEX = 0;

/** Split a SMILES into tokens. `tokens.join('') === smiles` always holds. */
export function tokenizeSmiles(smiles: string): string[] {
  return smiles.match(SMILES_TOKEN_PATTERN) ?? [];
}

/** The vocabulary as stored with a model: plain data, JSON-safe. */
export interface SmilesVocabulary {
  kind: 'smiles-reinvent';
  version: 1;
  /** tokens[0] is EOS_TOKEN. */
  tokens: string[];
}

export interface VocabularyOptions {
  /** Drop tokens seen in fewer than this many SMILES (default 1: keep every token). */
  minMolecules?: number;
}

/** Build a vocabulary from training SMILES: EOS first, then tokens by descending frequency. */
export function buildVocabulary(smiles: Iterable<string>, options: VocabularyOptions = {}): SmilesVocabulary {
  const minMolecules = options.minMolecules ?? 1;
  const counts = new Map<string, number>();
  const molecules = new Map<string, number>();
  for (const s of smiles) {
    const seen = new Set<string>();
    for (const t of tokenizeSmiles(s)) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      seen.add(t);
    }
    for (const t of seen) molecules.set(t, (molecules.get(t) ?? 0) + 1);
  }
  const tokens = [...counts.keys()]
    .filter((t) => (molecules.get(t) ?? 0) >= minMolecules)
    .sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  return { kind: 'smiles-reinvent', version: 1, tokens: [EOS_TOKEN, ...tokens] };
}

/** Thrown when a SMILES holds a token the vocabulary lacks. */
export class UnknownTokenError extends Error {
  constructor(
    readonly token: string,
    readonly smiles: string,
  ) {
    super(`Token "${token}" in ${smiles.length > 60 ? `${smiles.slice(0, 57)}...` : smiles} is not in the model's vocabulary`);
    this.name = 'UnknownTokenError';
  }
}

export class SmilesTokenizer {
  private readonly index: Map<string, number>;

  constructor(readonly vocabulary: SmilesVocabulary) {
    if (vocabulary.tokens[EOS_INDEX] !== EOS_TOKEN) throw new Error(`SMILES vocabulary must start with ${EOS_TOKEN}`);
    this.index = new Map(vocabulary.tokens.map((t, i) => [t, i]));
    if (this.index.size !== vocabulary.tokens.length) throw new Error('SMILES vocabulary has duplicate tokens');
  }

  static fromData(smiles: Iterable<string>, options?: VocabularyOptions): SmilesTokenizer {
    return new SmilesTokenizer(buildVocabulary(smiles, options));
  }

  /** Vocabulary size V, EOS included. */
  get size(): number {
    return this.vocabulary.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Token ids of a SMILES followed by EOS (0). Throws UnknownTokenError on a token outside the vocabulary. */
  encode(smiles: string): number[] {
    const ids: number[] = [];
    for (const t of tokenizeSmiles(smiles)) {
      const id = this.index.get(t);
      if (id === undefined || id === EOS_INDEX) throw new UnknownTokenError(t, smiles);
      ids.push(id);
    }
    ids.push(EOS_INDEX);
    return ids;
  }

  /** The first token of `smiles` that the vocabulary lacks, or null when it can be encoded. */
  unknownToken(smiles: string): string | null {
    for (const t of tokenizeSmiles(smiles)) if (!this.index.has(t) || t === EOS_TOKEN) return t;
    return null;
  }

  /** The SMILES spelled by token ids, stopping at the first EOS (a leading start token 0 is skipped). */
  decode(ids: ArrayLike<number>, skipLeadingStart = false): string {
    let out = '';
    for (let i = skipLeadingStart ? 1 : 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS_INDEX) break;
      const token = this.vocabulary.tokens[id];
      if (token === undefined) throw new Error(`Token id ${id} is outside the vocabulary (size ${this.size})`);
      out += token;
    }
    return out;
  }

  toJSON(): SmilesVocabulary {
    return this.vocabulary;
  }
}
