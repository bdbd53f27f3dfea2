// Tokenizers turn samples into token ids. Id 0 is the end-of-sequence token, also fed as the first input.

export const EOS = 0;

export interface Tokenizer {
  readonly vocab: readonly string[];
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/** One token per character of a fixed alphabet; text outside the alphabet is refused with its position. */
export class CharTokenizer implements Tokenizer {
  readonly vocab: readonly string[];
  private readonly index: Map<string, number>;

  constructor(alphabet: string) {
    this.vocab = ['⏎', ...alphabet];
    this.index = new Map([...alphabet].map((c, i) => [c, i + 1]));
  }

  encode(text: string): number[] {
    return [...text].map((c, i) => {
      const id = this.index.get(c);
      if (id === undefined) throw new Error(`Character "${c}" at position ${i} of "${text}" is not in the alphabet`);
      return id;
    });
  }

  /** Decodes up to (not including) the first end-of-sequence token. */
  decode(ids: readonly number[]): string {
    let out = '';
    for (const id of ids) {
      if (id === EOS) break;
      out += this.vocab[id] ?? '';
    }
    return out;
  }
}
