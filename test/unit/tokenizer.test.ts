import { describe, expect, it } from 'vitest';
import { EOS } from '../../src/core/tasks/tokenizer';
import { namesCorpus, namesTokenizer } from '../../src/core/tasks/names';
import { padSequences } from '../../src/core/sequences';

describe('names tokenizer and corpus', () => {
  it('has 8,422 distinct lower-case names', () => {
    const corpus = namesCorpus();
    expect(corpus.length).toBe(8422);
    expect(new Set(corpus).size).toBe(corpus.length);
    for (const n of corpus) expect(n).toMatch(/^[-a-z]+$/);
  });

  it('round-trips every name in the corpus', () => {
    for (const name of namesCorpus()) {
      const ids = namesTokenizer.encode(name);
      expect(ids).not.toContain(EOS);
      expect(namesTokenizer.decode(ids)).toBe(name);
    }
  });

  it('decodes up to the first end-of-sequence token', () => {
    const ids = [...namesTokenizer.encode('ada'), EOS, ...namesTokenizer.encode('zz')];
    expect(namesTokenizer.decode(ids)).toBe('ada');
  });

  it('refuses characters outside the alphabet, naming them', () => {
    expect(() => namesTokenizer.encode('Ada')).toThrow(/"A" at position 0/);
    expect(() => namesTokenizer.encode('a<b')).toThrow(/"<"/);
  });

  it('pads sequences with a mask that covers the text and its end token', () => {
    const { tokens, mask } = padSequences([namesTokenizer.encode('ab'), namesTokenizer.encode('abcd')], 4);
    expect(Array.from(mask)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(tokens[2]).toBe(EOS);
    expect(namesTokenizer.decode(Array.from(tokens.subarray(4, 8)))).toBe('abcd');
  });
});
