import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { BOUNDS, CONFIG_VERSION, TASK_DEFAULTS, defaultConfig, parseConfig, type ExperimentConfig } from '../../src/core/config';
import { PRESETS, presetConfigs } from '../../src/presets';
import { MAX_HASH_LENGTH, MIGRATIONS, compactConfig, decodeHash, encodeConfig, hideableNames, type Migration } from '../../src/share';

const pack = (value: unknown) => LZString.compressToEncodedURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
const link = (value: unknown, version = CONFIG_VERSION) => `v${version}.${pack(value)}`;

function valid(input: unknown): ExperimentConfig {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.errors)}`);
  return r.config;
}

/** Mulberry32: a small seeded generator so the random tests are the same every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValidConfig(r: () => number): ExperimentConfig {
  const between = (b: { min: number; max: number }) => b.min + r() * (b.max - b.min);
  const intBetween = (b: { min: number; max: number }) => Math.floor(between({ min: b.min, max: b.max + 1 - 1e-9 }));
  const pool = [
    { id: 'ends_with', params: { suffix: ['a', 'ie', 'n', 'y'][Math.floor(r() * 4)] } },
    { id: 'contains', params: { substring: ['an', 'el', 'ri'][Math.floor(r() * 3)] } },
    { id: 'target_length', params: { length: 1 + Math.floor(r() * 10), width: 0.5 + Math.floor(r() * 8) / 2 } },
    { id: 'starts_with', params: { letter: 'abcdefghijklmnopqrstuvwxyz'[Math.floor(r() * 26)] } },
    { id: 'prior_loglik', params: {} },
  ];
  const rewards = pool.filter(() => r() < 0.5).map((t) => ({ ...t, weight: r() < 0.3 ? 1 : Math.round(between(BOUNDS.weight) * 100) / 100 }));
  const maybe = <T>(x: T) => (r() < 0.5 ? x : undefined);
  return valid({
    seed: maybe(intBetween(BOUNDS.seed)),
    model: { hidden: maybe(intBetween(BOUNDS.hidden)), embedding: maybe(intBetween(BOUNDS.embedding)) },
    rewards: r() < 0.2 ? undefined : rewards,
    algorithm: {
      baseline: maybe(r() < 0.5 ? 'mean' : 'ema'),
      baselineDecay: maybe(between(BOUNDS.baselineDecay)),
      entropyCoef: maybe(between(BOUNDS.entropyCoef)),
      klCoef: maybe(between(BOUNDS.klCoef)),
      gradClip: maybe(between(BOUNDS.gradClip)),
    },
    batchSize: maybe(intBetween(BOUNDS.batchSize)),
    learningRate: maybe(between(BOUNDS.learningRate)),
    maxLength: maybe(intBetween(BOUNDS.maxLength)),
    temperature: maybe(between(BOUNDS.temperature)),
  });
}

describe('encodeConfig / decodeHash round trip', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('restores preset %s exactly', (_id, preset) => {
    const decoded = decodeHash(encodeConfig(preset.config));
    expect(decoded.error).toBeNull();
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toEqual(preset.config);
  });

  it('restores 300 random valid configs exactly', () => {
    const r = rng(1);
    for (let i = 0; i < 300; i++) {
      const config = randomValidConfig(r);
      const hash = encodeConfig(config);
      const decoded = decodeHash(hash);
      expect(decoded.error, hash).toBeNull();
      expect(decoded.config).toEqual(config);
    }
  });

  it('restores an empty reward list rather than the default one', () => {
    const config = valid({ rewards: [] });
    expect(decodeHash(encodeConfig(config)).config.rewards).toEqual([]);
  });

  it('carries teacher-mode hide names and drops malformed ones on encode', () => {
    const hash = encodeConfig(defaultConfig(), { hide: ['model', 'algorithm.klCoef', 'bad name<', ''] });
    expect(hash).toMatch(/&hide=model,algorithm\.klCoef$/);
    const decoded = decodeHash(`#${hash}`);
    expect(decoded.hide).toEqual(['model', 'algorithm.klCoef']);
    expect(decoded.error).toBeNull();
  });

  it('reads a link whose $ and + were percent-encoded on the way', () => {
    const config = valid({ seed: 99_999, learningRate: 0.000123, rewards: [{ id: 'contains', weight: -2.5, params: { substring: 'ell' } }] });
    const hash = encodeConfig(config);
    const mangled = hash.replace(/\$/g, '%24').replace(/\+/g, '%2B');
    expect(mangled).not.toBe(hash);
    expect(decodeHash(mangled).config).toEqual(config);
  });

  it('starts with the version and uses only URL-safe characters', () => {
    const hash = encodeConfig(PRESETS[1].config, { hide: ['rewards'] });
    expect(hash.startsWith(`v${CONFIG_VERSION}.`)).toBe(true);
    expect(hash).toMatch(/^[A-Za-z0-9+\-$.&=,]+$/);
  });
});

describe('compact form', () => {
  it('encodes the default config as an empty object', () => {
    expect(compactConfig(defaultConfig()) ?? {}).toEqual({});
  });

  it('keeps only what differs from the defaults, down to reward params', () => {
    const config = valid({ seed: 7, model: { hidden: 64 }, rewards: [{ id: 'target_length', params: { length: 9 } }] });
    expect(compactConfig(config)).toEqual({ seed: 7, model: { hidden: 64 }, rewards: [{ id: 'target_length', params: { length: 9 } }] });
  });

  it('gives shorter links than compressing the whole config', () => {
    for (const preset of PRESETS) {
      const naive = link(preset.config);
      expect(encodeConfig(preset.config).length).toBeLessThan(naive.length);
    }
  });
});

describe('malformed links', () => {
  const fallback = valid({ seed: 123, batchSize: 8 });
  const cases: [string, string, string, RegExp][] = [
    ['too long', `v${CONFIG_VERSION}.${'A'.repeat(MAX_HASH_LENGTH)}`, 'too-long', /too long/],
    ['no version prefix', 'hello', 'not-a-link', /not a RewardLab experiment/],
    ['newer version', link({}, CONFIG_VERSION + 1), 'newer-version', /newer RewardLab/],
    ['version with no migration', link({}, 0), 'unsupported-version', /can no longer read/],
    ['truncated payload', encodeConfig(PRESETS[1].config).slice(0, 12), 'undecodable', /damaged|not readable/],
    ['not JSON', link('{"seed": 1,'), 'not-json', /not readable JSON/],
    ['NaN literal', link('{"learningRate": NaN}'), 'not-json', /not readable JSON/],
    ['JSON but not an object', link([1, 2, 3]), 'not-a-config', /not an experiment config/],
    ['out-of-range number', link({ batchSize: 5000 }), 'invalid-config', /batchSize/],
    ['overflow to Infinity', link('{"learningRate": 1e999}'), 'invalid-config', /learningRate/],
    ['wrong type', link({ temperature: '1' }), 'invalid-config', /temperature/],
    ['script in a reward param', link({ rewards: [{ id: 'ends_with', params: { suffix: '<script>alert(1)</script>' } }] }), 'invalid-config', /rewards\.0\.params\.suffix/],
    ['javascript: in the task', link({ task: 'javascript:alert(1)' }), 'invalid-config', /task/],
    ['HTML as a reward id', link({ rewards: [{ id: '<img src=x onerror=alert(1)>' }] }), 'invalid-config', /rewards\.0\.id/],
    ['unknown preset', 'preset=nope', 'unknown-preset', /preset/],
  ];
  it.each(cases)('%s: falls back with a message', (_name, hash, kind, message) => {
    const decoded = decodeHash(hash, { fallback, presets: presetConfigs() });
    expect(decoded.errorKind).toBe(kind);
    expect(decoded.error).toMatch(message);
    expect(decoded.config).toEqual(fallback);
    expect(decoded.config).not.toBe(fallback);
  });

  it('falls back to the defaults when no fallback is given', () => {
    expect(decodeHash('v1.@@@').config).toEqual(defaultConfig());
  });

  it('treats an empty hash as no link: defaults, no error', () => {
    for (const hash of ['', '#']) expect(decodeHash(hash)).toMatchObject({ config: defaultConfig(), error: null, hide: [] });
  });
});

describe('notices', () => {
  it('drops unknown keys at every level with a notice naming each path', () => {
    const decoded = decodeHash(link({ seed: 5, color: 'red', model: { depth: 3 }, rewards: [{ id: 'ends_with', extra: 1, params: { suffix: 'y', case: 'upper' } }] }));
    expect(decoded.error).toBeNull();
    expect(decoded.config.seed).toBe(5);
    expect(decoded.config.rewards).toEqual([{ id: 'ends_with', weight: 1, params: { suffix: 'y' } }]);
    const text = decoded.notices.join('\n');
    for (const path of ['color', 'model.depth', 'rewards.0.extra', 'rewards.0.params.case']) expect(text).toContain(`"${path}"`);
  });

  it('never lets __proto__ from a link reach an object prototype', () => {
    const decoded = decodeHash(link('{"__proto__": {"polluted": 1}, "model": {"__proto__": {"hidden": 8}}}'));
    expect(decoded.error).toBeNull();
    expect(decoded.config.model.hidden).toBe(128);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(decoded.notices.length).toBe(2);
  });

  it('ignores unknown link options and unknown hide names with a notice', () => {
    const decoded = decodeHash(`${encodeConfig(defaultConfig())}&foo=1&hide=model,nonsense,<b>`);
    expect(decoded.error).toBeNull();
    expect(decoded.hide).toEqual(['model']);
    expect(decoded.notices).toHaveLength(3);
  });

  it('opens a preset by id, with hidden controls, when no payload is given', () => {
    const decoded = decodeHash('preset=names-with-ann&hide=algorithm', { presets: presetConfigs() });
    expect(decoded.error).toBeNull();
    expect(decoded.config).toEqual(PRESETS[3].config);
    expect(decoded.hide).toEqual(['algorithm']);
  });

  it('lists config paths and reward terms as hideable names', () => {
    const names = hideableNames();
    for (const name of ['seed', 'model', 'model.hidden', 'algorithm.klCoef', 'rewards', 'rewards.contains']) expect(names).toContain(name);
    expect(names).not.toContain('version');
  });
});

describe('migrations', () => {
  // A synthetic version 0, defined only for this test: flat keys `lr` and `batch`, and a single `suffix` string that
  // meant "ends_with with this suffix". The migration turns it into a version 1 payload.
  const v0to1: Migration = (old) => {
    const o = old as { lr?: number; batch?: number; suffix?: string; [k: string]: unknown };
    if (typeof o !== 'object' || o === null) throw new Error('version 0 payload must be an object');
    const { lr, batch, suffix, ...rest } = o;
    return {
      ...rest,
      ...(lr === undefined ? {} : { learningRate: lr }),
      ...(batch === undefined ? {} : { batchSize: batch }),
      ...(suffix === undefined ? {} : { rewards: [{ id: 'ends_with', params: { suffix } }] }),
    };
  };

  it('upgrades an old payload through the table', () => {
    const decoded = decodeHash(link({ lr: 0.01, batch: 16, suffix: 'ie', seed: 3 }, 0), { migrations: { ...MIGRATIONS, 0: v0to1 } });
    expect(decoded.error).toBeNull();
    expect(decoded.config).toEqual(valid({ learningRate: 0.01, batchSize: 16, seed: 3, rewards: [{ id: 'ends_with', params: { suffix: 'ie' } }] }));
  });

  it('validates the migrated payload like any other', () => {
    const decoded = decodeHash(link({ batch: 0 }, 0), { migrations: { ...MIGRATIONS, 0: v0to1 } });
    expect(decoded.errorKind).toBe('invalid-config');
    expect(decoded.error).toMatch(/batchSize/);
  });

  it('reports a migration that throws', () => {
    const decoded = decodeHash(link(null, 0), { migrations: { ...MIGRATIONS, 0: v0to1 } });
    expect(decoded.errorKind).toBe('migration-failed');
    expect(decoded.config).toEqual(defaultConfig());
  });
});

describe('links of version 1', () => {
  // Version 1 left out the Molecules model when it was that version's default (256 hidden units).
  const moleculesV1 = { task: 'molecules', algorithm: { name: 'reinvent' }, seed: 9 };

  it('keep building the model they were made with', () => {
    const decoded = decodeHash(link(moleculesV1, 1));
    expect(decoded.error).toBeNull();
    expect(decoded.config.model).toEqual({ hidden: 256, embedding: 32 });
    expect(decoded.config.version).toBe(CONFIG_VERSION);
  });

  it('keep a model size they gave, and are unchanged for other tasks', () => {
    expect(decodeHash(link({ ...moleculesV1, model: { hidden: 128 } }, 1)).config.model).toEqual({ hidden: 128, embedding: 32 });
    expect(decodeHash(link({ task: 'names', seed: 4 }, 1)).config).toEqual(valid({ task: 'names', seed: 4 }));
  });

  it('differ from a current link, which builds the current default', () => {
    expect(decodeHash(link(moleculesV1)).config.model).toEqual(TASK_DEFAULTS.molecules.model);
    expect(TASK_DEFAULTS.molecules.model.hidden).not.toBe(256);
  });

  it('and configs saved whole under version 1 (in checkpoints) read as they are', () => {
    const saved = { ...valid(moleculesV1), model: { hidden: 256, embedding: 32 }, version: 1 };
    const parsed = parseConfig(saved);
    expect(parsed.ok && parsed.config).toEqual({ ...saved, version: CONFIG_VERSION });
    expect(parseConfig({ ...saved, version: 0 }).ok).toBe(false);
  });
});

describe('the syntax guard setting in links', () => {
  it('leaves out the default (off) and keeps on, which round-trips', () => {
    expect(compactConfig(valid({ task: 'molecules' }))).not.toHaveProperty('molecules');
    const on = valid({ task: 'molecules', molecules: { syntaxGuard: 'on' } });
    expect(compactConfig(on)).toMatchObject({ task: 'molecules', molecules: { syntaxGuard: 'on' } });
    const decoded = decodeHash(encodeConfig(on));
    expect(decoded.error).toBeNull();
    expect(decoded.config).toEqual(on);
    // Links made before the setting existed have no key, so they read as they ran: without the guard.
    expect(decodeHash(link({ task: 'molecules', seed: 9 }, 2)).config.molecules.syntaxGuard).toBe('off');
  });

  it('refuses a value that is neither on nor off, naming the setting', () => {
    const decoded = decodeHash(link({ task: 'molecules', molecules: { syntaxGuard: 'maybe' } }));
    expect(decoded.errorKind).toBe('invalid-config');
    expect(decoded.error).toMatch(/molecules\.syntaxGuard/);
  });

  it('is a hideable control', () => {
    expect(hideableNames()).toContain('molecules.syntaxGuard');
  });
});

describe('fuzz: 1,200 malformed hashes', () => {
  it('never throws; each returns a message and a valid config', () => {
    const r = rng(20261124);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const good = PRESETS.map((p) => encodeConfig(p.config));
    const randomString = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const anyChars = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join('');
    const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
    const hostile = ['<script>alert(1)</script>', 'javascript:alert(1)', '"><img src=x onerror=alert(1)>', '${7*7}', '\u0000', '../../etc/passwd'];
    const weird = ['NaN', 'Infinity', '-Infinity', '1e999', '"1"', 'true', 'null', '[]', '{}', '-0.0e-0'];
    const keys = ['seed', 'batchSize', 'learningRate', 'temperature', 'maxLength', 'task', 'model', 'algorithm', 'rewards'];

    const generators: (() => string)[] = [
      // truncations of good links (keep at least one payload character so it is still a link attempt)
      () => { const g = pick(good); return g.slice(0, 3 + Math.floor(r() * (g.length - 4))); },
      // character flips inside a good payload
      () => {
        const g = pick(good).split('');
        for (let k = 0; k < 1 + Math.floor(r() * 4); k++) g[3 + Math.floor(r() * (g.length - 3))] = pick(URI_ALPHABET.split(''));
        return g.join('');
      },
      // random payloads in the URL-safe alphabet and in any characters
      () => `v${CONFIG_VERSION}.${randomString(1 + Math.floor(r() * 200), URI_ALPHABET)}`,
      () => anyChars(1 + Math.floor(r() * 100)),
      // huge strings
      () => `v${CONFIG_VERSION}.${randomString(MAX_HASH_LENGTH + Math.floor(r() * 5000), URI_ALPHABET)}`,
      // valid compression of hostile values, weird numbers and wrong types
      () => link(`{"${pick(keys)}": ${pick(weird)}}`),
      () => link({ [pick(keys)]: pick(hostile) }),
      () => link({ rewards: [{ id: pick(['ends_with', 'contains', 'starts_with', pick(hostile)]), params: { suffix: pick(hostile), substring: pick(hostile), letter: pick(hostile) } }] }),
      () => link({ rewards: pick([{}, 'x', 1, [null], [{ id: 1 }], Array.from({ length: 40 }, () => ({ id: 'contains' }))]) }),
      // wrong versions and broken prefixes
      () => `v${pick(['0', '2', '99', '999999', '-1', 'x', ''])}.${pick(good).slice(3)}`,
      () => `${pick(hostile)}&hide=${pick(hostile)}`,
    ];

    // Storage tripwires: the decoder must not reach any browser storage, whatever the link says.
    const touched: string[] = [];
    const tripwire = (name: string) => new Proxy({}, { get: (_t, key) => (touched.push(`${name}.${String(key)}`), () => undefined) });
    const saved = { indexedDB: globalThis.indexedDB, localStorage: globalThis.localStorage };
    Object.assign(globalThis, { indexedDB: tripwire('indexedDB'), localStorage: tripwire('localStorage') });

    let count = 0;
    for (let i = 0; i < 1200; i++) {
      const hash = generators[i % generators.length]();
      let decoded: ReturnType<typeof decodeHash> | undefined;
      expect(() => (decoded = decodeHash(hash)), hash.slice(0, 80)).not.toThrow();
      if (!decoded) throw new Error('unreachable');
      // A flipped character can, rarely, still decode to a valid config; every other case must be refused.
      if (decoded.error === null) {
        expect(parseConfig(decoded.config).ok).toBe(true);
        continue;
      }
      count++;
      expect(decoded.error.length).toBeGreaterThan(0);
      expect(decoded.error.length).toBeLessThanOrEqual(400);
      expect(decoded.config).toEqual(defaultConfig());
    }
    Object.assign(globalThis, saved);
    expect(touched).toEqual([]);
    expect(count).toBeGreaterThan(1100);
  });
});

describe('links with task- and algorithm-dependent defaults', () => {
  const cases: [string, object][] = [
    ['molecules with the names max length and model size', { task: 'molecules', maxLength: 16, model: { hidden: 128, embedding: 32 } }],
    ['molecules with the names reward list', { task: 'molecules', rewards: [{ id: 'validity', weight: 1 }] }],
    ['REINVENT at the schema default learning rate', { task: 'molecules', algorithm: { name: 'reinvent' }, learningRate: 1e-3 }],
    ['names with REINFORCE defaults', {}],
    ['paint with its defaults', { task: 'paint' }],
    ['words with its defaults', { task: 'words' }],
    ['free text on Moby-Dick with BLEU', { task: 'text', rewards: [{ id: 'bleu', weight: 1, params: { unit: 'characters', order: 3, smooth: false } }] }],
    ['free text on an own (pasted) text, which the link marks but does not carry', { task: 'text', text: { source: 'own' } }],
    ['free text with the names max length', { task: 'text', maxLength: 16 }],
    ['molecules with the syntax guard', { task: 'molecules', molecules: { syntaxGuard: 'on' } }],
    ['names with the syntax guard on (which it ignores)', { molecules: { syntaxGuard: 'on' } }],
    ['paint with REINFORCE, batch 64 and β 0.02 (the schema defaults, not the painter ones)', { task: 'paint', batchSize: 64, algorithm: { name: 'reinforce', klCoef: 0.02 } }],
    ['paint with every painter setting changed', { task: 'paint', paint: { canvas: 64, strokes: 7, action: 'continuous', skip: true, target: 'letters', letters: 'Hi' } }],
    ['paint with a drawn target', { task: 'paint', paint: { target: 'custom', image: '1'.repeat(512) + '2'.repeat(512) } }],
  ];
  it.each(cases)('%s round-trips exactly', (_name, input) => {
    const parsed = parseConfig(input);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const decoded = decodeHash(encodeConfig(parsed.config));
    expect(decoded.error).toBeNull();
    expect(decoded.config).toEqual(parsed.config);
  });
});
