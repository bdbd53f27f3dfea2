// The Words and Free text tasks: normalisation onto the alphabet, cutting prose into examples, the Moby-Dick corpora,
// the own-text reader, BLEU and the real-words share against hand-computed values, and the config defaults.
import { describe, expect, it } from 'vitest';
import { parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { bleu, realWordsShare } from '../../src/core/rewards/corpusText';
import { rewardTerm, termsForTask } from '../../src/core/rewards/registry';
import { buildReference } from '../../src/core/rewards/textReference';
import { TEXT_TASK, WORDS_TASK, ownTextTask } from '../../src/core/tasks/corpusTasks';
import { mobyDickChunks, mobyDickWords } from '../../src/core/tasks/mobyDick';
import { distinctWords, MAX_TEXT_BYTES, normaliseText, TEXT_ALPHABET, textChunks } from '../../src/core/tasks/textData';
import { parseOwnText } from '../../src/core/tasks/textUpload';
import { sequenceTask } from '../../src/core/tasks/sequenceTasks';
import type { TextBatch } from '../../src/core/rewards/types';

describe('normalising text onto the Free text alphabet', () => {
  it('lower-cases, strips accents, makes quotes and dashes plain and collapses spaces', () => {
    const n = normaliseText('“Call me  Ishmael,” he said—café’s\tend.\r\n');
    expect(n.text).toBe("call me ishmael, he said - cafe's end.");
    expect(n).toMatchObject({ outsideAlphabet: 0, junk: 0 });
  });

  it('drops and counts characters outside the alphabet and non-printable ones separately', () => {
    const n = normaliseText('Room 101 [sic] \u0000\u0007ok\uFFFD');
    expect(n.text).toBe('room sic ok');
    expect(n.outsideAlphabet).toBe(5); // 1, 0, 1, [, ]
    expect(n.junk).toBe(3); // NUL, BEL, U+FFFD
    for (const c of n.text) expect(TEXT_ALPHABET).toContain(c);
  });
});

describe('cutting prose into examples', () => {
  it('keeps short sentences whole and splits long ones at clauses, then words, within the limit', () => {
    const long = 'the sea was grey, the sky was grey, and the ship went on and on through the long and weary night.';
    const chunks = textChunks(`short one. ${long} ok.`, 40, 4);
    expect(chunks[0]).toBe('short one.');
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(40);
    expect(chunks.slice(1).join(' ')).toBe(long); // nothing of the long sentence is lost
    expect(chunks).not.toContain('ok.'); // under the minimum length
  });

  it('breaks a clause with no punctuation word by word', () => {
    expect(textChunks('aaa bbb ccc ddd eee', 8, 1)).toEqual(['aaa bbb', 'ccc ddd', 'eee']);
  });
});

describe('the Moby-Dick corpora', () => {
  it('Words: distinct words of 2–14 letters, sorted, from the book', async () => {
    const words = await mobyDickWords();
    expect(words.length).toBeGreaterThan(15_000);
    expect(words).toContain('whale');
    expect(words).toContain('ishmael');
    expect(words).not.toContain('a'); // one letter
    for (const w of words.slice(0, 2000)) expect(w).toMatch(/^[a-z]{2,14}$/);
    expect([...words].sort()).toEqual(words);
    expect(new Set(words).size).toBe(words.length);
  });

  it('Free text: normalised sentences and clauses of at most 63 characters, headings left out', async () => {
    const chunks = await mobyDickChunks();
    expect(chunks.length).toBeGreaterThan(20_000);
    expect(chunks).toContain('call me ishmael.');
    expect(chunks.some((c) => c.startsWith('chapter '))).toBe(false);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(63);
      expect(c.length).toBeGreaterThanOrEqual(8);
    }
  });

  it('loads on demand and previews a few examples with the sizes', async () => {
    expect(() => WORDS_TASK.corpus()).toThrow(/not loaded/);
    await WORDS_TASK.load();
    const preview = WORDS_TASK.preview();
    expect(preview.examples).toBe(WORDS_TASK.corpus().length);
    expect(preview.characters).toBe(WORDS_TASK.corpus().join('').length);
    expect(preview.shownExamples).toHaveLength(5);
    for (const e of preview.shownExamples) expect(WORDS_TASK.corpus()).toContain(e);
    expect(preview.source).toMatch(/Moby-Dick/);
    for (const w of WORDS_TASK.corpus()) expect(WORDS_TASK.tokenizer.decode(WORDS_TASK.tokenizer.encode(w))).toBe(w);
  });

  it('Names previews its shipped list the same way', () => {
    const names = sequenceTask('names');
    expect(names.preview!()).toMatchObject({ examples: 8422, shownExamples: expect.arrayContaining([expect.stringMatching(/^[-a-z]+$/)]) });
    expect(sequenceTask('molecules').preview).toBeUndefined();
  });

  it('every Free text example is encodable by the task tokenizer', async () => {
    await TEXT_TASK.load();
    for (const c of TEXT_TASK.corpus()) expect(c.length < TEXT_TASK.pretrain.maxLength && TEXT_TASK.tokenizer.encode(c).length === c.length).toBe(true);
  });
});

describe('an own text, pasted or uploaded', () => {
  it('reports examples, characters and what normalisation dropped', () => {
    const parsed = parseOwnText('It was 1851. The whale\u0000 swam. Then it dived and was gone.', 60);
    expect(parsed.examples).toEqual(['it was .', 'the whale swam.', 'then it dived and was gone.']);
    expect(parsed.summary).toBe('3 examples (50 characters); dropped 4 characters outside the alphabet and 1 non-printable character');
    expect(parsed.preview.dropped).toEqual({ outsideAlphabet: 4, junk: 1 });
  });

  it('refuses a text over the size cap with a clear message', () => {
    expect(() => parseOwnText('x', MAX_TEXT_BYTES + 1)).toThrow('The text is larger than 5 MB (5,242,881 bytes); use a shorter excerpt. Nothing was changed.');
  });

  it('becomes a Free text task whose rewards read the own corpus', async () => {
    const own = ownTextTask(['the cat sat on the mat'], { source: 'your text', examples: 1, characters: 22, shownExamples: [] });
    expect(own.id).toBe('text');
    expect(own.ownData).toBe(true);
    const batch = own.rewardBatch(['the cat', 'a dog']) as TextBatch;
    expect([...batch.reference!().vocabulary].sort()).toEqual(['cat', 'mat', 'on', 'sat', 'the']);
  });
});

describe('BLEU (Papineni et al. 2002) against a corpus', () => {
  const ref = buildReference(['the cat sat on the mat']);
  const words = (maxOrder: number, smooth = false) => ({ unit: 'words' as const, maxOrder, smooth });

  it('clips repeated n-grams to their count in one reference: the paper\'s "the the the ..." example', () => {
    // "the" occurs at most twice in the reference: p1 = 2/7; 7 words > r = 6, so no brevity penalty.
    expect(bleu('the the the the the the the', ref, words(1))).toBeCloseTo(2 / 7, 10);
  });

  it('is 1 for a reference itself and 0 for an empty sample or a missing order', () => {
    expect(bleu('the cat sat on the mat', ref, words(4))).toBeCloseTo(1, 10);
    expect(bleu('', ref, words(4))).toBe(0);
    expect(bleu('mat the', ref, words(2))).toBe(0); // no matching bigram
  });

  it('applies the brevity penalty exp(1 − r/c) to a short sample', () => {
    // "the cat": p1 = 2/2, p2 = 1/1, c = 2, r = 6 → BP = e^(1−3).
    expect(bleu('the cat', ref, words(2))).toBeCloseTo(Math.exp(-2), 10);
  });

  it('combines orders by a geometric mean and smooths orders ≥ 2 by add-one', () => {
    // "the cat on the mat" (c = 5 < r = 6): p1 = 5/5, p2 = 3/4 (the cat, on the, the mat; not cat on).
    const bp = Math.exp(1 - 6 / 5);
    expect(bleu('the cat on the mat', ref, words(2))).toBeCloseTo(bp * Math.sqrt(3 / 4), 10);
    // Smoothed: p2 = (3 + 1)/(4 + 1); p3 = (1 + 1)/(3 + 1) ("on the mat" only).
    expect(bleu('the cat on the mat', ref, words(3, true))).toBeCloseTo(bp * Math.cbrt(1 * (4 / 5) * (2 / 4)), 10);
  });

  it('counts character n-grams when asked', () => {
    const chars = buildReference(['abab']);
    // "aba": p1: a 2/2 (a twice in ref), b 1/1 → 3/3; p2: ab, ba → 2/2; c = 3 < r = 4 → BP = e^(1−4/3).
    expect(bleu('aba', chars, { unit: 'characters', maxOrder: 2, smooth: false })).toBeCloseTo(Math.exp(1 - 4 / 3), 10);
  });
});

describe('the real-words share', () => {
  const vocabulary = new Set(['the', 'whale', 'sea']);
  it('is the fraction of a sample\'s words found in the corpus', () => {
    expect(realWordsShare('the whale swam', vocabulary)).toBeCloseTo(2 / 3, 10);
    expect(realWordsShare('The sea, the sea!', vocabulary)).toBe(1);
    expect(realWordsShare('zzq', vocabulary)).toBe(0);
    expect(realWordsShare(' .,', vocabulary)).toBe(0);
  });
});

describe('reward terms and defaults of the new tasks', () => {
  it('serves the text terms on Names, Words and Free text, and the corpus terms on Words and Free text only', () => {
    const ids = (task: 'names' | 'words' | 'text') => termsForTask(task).map((t) => t.id);
    for (const id of ['ends_with', 'contains', 'target_length', 'starts_with', 'prior_loglik']) {
      expect(ids('names')).toContain(id);
      expect(ids('words')).toContain(id);
      expect(ids('text')).toContain(id);
    }
    for (const id of ['bleu', 'real_words']) {
      expect(ids('words')).toContain(id);
      expect(ids('text')).toContain(id);
      expect(ids('names')).not.toContain(id);
      const term = rewardTerm(id)!;
      expect(term.use).toBe('objective');
      expect(term.label.length).toBeGreaterThan(3);
      expect(term.description).not.toContain('\n');
    }
    expect(parseConfig({ task: 'names', rewards: [{ id: 'bleu', weight: 1 }] }).ok).toBe(false);
  });

  it('scores a batch through the task, building the reference from the loaded corpus', async () => {
    await WORDS_TASK.load();
    const batch = WORDS_TASK.rewardBatch(['whale', 'qzxv']);
    expect([...(await rewardTerm('real_words')!.score(batch, {}, {}))]).toEqual([1, 0]);
  });

  it('fills the task defaults: Words like names, Free text 64 characters long from Moby-Dick', () => {
    const words = parseConfig({ task: 'words' });
    const text = parseConfig({ task: 'text' });
    if (!words.ok || !text.ok) throw new Error('defaults must parse');
    expect(words.config).toMatchObject({ maxLength: 16, model: TASK_DEFAULTS.words.model, rewards: [{ id: 'ends_with', params: { suffix: 'ing' } }] });
    expect(text.config).toMatchObject({ maxLength: 64, model: { hidden: 128, embedding: 32 }, text: { source: 'moby-dick' }, rewards: [{ id: 'contains', params: { substring: 'whale' } }] });
    expect(parseConfig({ task: 'text', text: { source: 'clipboard' } }).ok).toBe(false);
  });

  it('takes words from text the way the Words corpus does', () => {
    expect(distinctWords("The whale's whale; a Sea-sea, ABCDEFGHIJKLMNO!")).toEqual(['sea', 'the', 'whale']);
  });
});
