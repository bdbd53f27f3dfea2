// Experiment links: the whole ExperimentConfig in the URL hash, versioned, compressed and validated by the same schema
// as the panels. Pure: no DOM here (src/app/urlState.ts reads and writes location.hash).
//
// Hash grammar:  [v<N>.<payload>] ( '&' key '=' value )*
//   payload   lz-string URI-safe compression of the JSON of the config in compact form (values equal to their default
//             are left out; decoding fills them back in).
//   hide=a,b  teacher mode: panels/controls to hide (config paths such as "model" or "algorithm.klCoef").
//   preset=id start from a curated preset (used only when the link carries no payload).
//
// Compact form and versions: a payload omits defaults *of its own version*. When a default changes, bump CONFIG_VERSION
// and add a migration that writes the old default back whenever the key is missing, or old links change meaning.
import LZString from 'lz-string';
import { CONFIG_VERSION, ExperimentConfigSchema, defaultConfig, parseConfig, TASKS, type ExperimentConfig } from './core/config';
import { rewardTerm, termsForTask } from './core/rewards/registry';

/** Longest hash we read, in characters; anything longer is refused before decompression. */
export const MAX_HASH_LENGTH = 8 * 1024;
/** Longest JSON a payload may unpack to (LZ-style codecs can expand a short input a lot). */
export const MAX_JSON_LENGTH = 64 * 1024;
const MAX_NOTICES = 8;
const MAX_HIDE = 64;
const HIDE_TOKEN = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const PRESET_ID = /^[a-z0-9-]{1,64}$/;

/** Upgrades a payload of version N to version N + 1. It may throw; the decoder reports that as an error. */
export type Migration = (payload: unknown) => unknown;
/** Migrations keyed by the version they upgrade *from*. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // Version 1 omitted the Molecules model when it was the default of then, 256 hidden units: say so, or the link would
  // now build the larger default model and no longer reproduce its run.
  1: (payload) => {
    if (!isPlainObject(payload) || payload.task !== 'molecules') return payload;
    const model = isPlainObject(payload.model) ? payload.model : {};
    return { ...payload, model: { hidden: 256, ...model } };
  },
};

export type DecodeErrorKind =
  | 'too-long'
  | 'not-a-link'
  | 'newer-version'
  | 'unsupported-version'
  | 'undecodable'
  | 'not-json'
  | 'not-a-config'
  | 'migration-failed'
  | 'invalid-config'
  | 'unknown-preset';

export interface DecodedHash {
  /** Always a valid config: the link's, or the fallback (defaults unless one was given) when the link was refused. */
  config: ExperimentConfig;
  hide: string[];
  /** Things that were ignored but did not stop the link from loading (unknown keys, unknown hide names). */
  notices: string[];
  /** What was wrong with the link, for a banner; null when the link loaded (or the hash was empty). */
  error: string | null;
  errorKind: DecodeErrorKind | null;
}

export interface DecodeOptions {
  /** Config to fall back to when the link is refused, e.g. the last good one. Defaults to defaultConfig(). */
  fallback?: ExperimentConfig;
  /** Presets a `preset=id` option may name. */
  presets?: Readonly<Record<string, ExperimentConfig>>;
  /** Names `hide=` may use; defaults to hideableNames(). */
  hideable?: readonly string[];
  /** Migration table; defaults to MIGRATIONS (tests pass their own). */
  migrations?: Readonly<Record<number, Migration>>;
}

export interface EncodeOptions {
  hide?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

export function encodeConfig(config: ExperimentConfig, options: EncodeOptions = {}): string {
  const compact = compactConfig(config) ?? {};
  const parts = [`v${CONFIG_VERSION}.${LZString.compressToEncodedURIComponent(JSON.stringify(compact))}`];
  const hide = (options.hide ?? []).filter((name) => HIDE_TOKEN.test(name));
  if (hide.length) parts.push(`hide=${hide.join(',')}`);
  return parts.join('&');
}

/** The config without the values equal to their defaults (the decoder restores them). */
export function compactConfig(config: ExperimentConfig): Record<string, unknown> | undefined {
  const compact = (compactBySchema(config, ExperimentConfigSchema) ?? {}) as Record<string, unknown>;
  if (Array.isArray(compact.rewards)) compact.rewards = compact.rewards.map(compactRewardParams);
  // Some defaults depend on other fields (a task's rewards, max length and model size; REINVENT's learning rate), so
  // a value equal to the schema's default may still differ from what the decoder restores: keep every such field.
  const restored = parseConfig(compact);
  for (const key of Object.keys(config) as (keyof ExperimentConfig)[]) {
    if (!restored.ok || !deepEqual(restored.config[key], config[key])) compact[key] = structuredClone(config[key]);
  }
  return Object.keys(compact).length ? compact : undefined;
}

// A structural view of the valibot schema: enough to find defaults and known keys without depending on its types.
interface SchemaNode {
  type: string;
  wrapped?: SchemaNode;
  default?: unknown;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
}

function unwrap(schema: SchemaNode): SchemaNode {
  return schema.type === 'optional' && schema.wrapped ? unwrap(schema.wrapped) : schema;
}

function compactBySchema(value: unknown, schema: SchemaNode): unknown {
  const node = unwrap(schema);
  if (node.type === 'object' && node.entries && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(node.entries)) {
      if (!Object.hasOwn(value, key)) continue;
      const field = value[key];
      if (entry.type === 'optional' && deepEqual(field, entry.default)) continue;
      const compact = compactBySchema(field, entry);
      if (compact !== undefined) out[key] = compact;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (node.type === 'array' && node.item && Array.isArray(value)) {
    return value.map((item) => compactBySchema(item, node.item as SchemaNode) ?? {});
  }
  return value;
}

function compactRewardParams(item: unknown): unknown {
  if (!isPlainObject(item) || !isPlainObject(item.params)) return item;
  const term = typeof item.id === 'string' ? rewardTerm(item.id) : undefined;
  if (!term) return item;
  const params: Record<string, unknown> = {};
  for (const spec of term.params) {
    if (Object.hasOwn(item.params, spec.key) && item.params[spec.key] !== spec.default) params[spec.key] = item.params[spec.key];
  }
  const { params: _dropped, ...rest } = item;
  return Object.keys(params).length ? { ...rest, params } : rest;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

export function decodeHash(hash: string, options: DecodeOptions = {}): DecodedHash {
  const notices: string[] = [];
  const fail = (errorKind: DecodeErrorKind, error: string, hide: string[] = []): DecodedHash => ({
    config: structuredClone(options.fallback ?? defaultConfig()),
    hide,
    notices: capNotices(notices),
    error,
    errorKind,
  });
  try {
    if (typeof hash !== 'string') return fail('not-a-link', 'The link is not text.');
    const text = hash.startsWith('#') ? hash.slice(1) : hash;
    if (text.length > MAX_HASH_LENGTH) {
      return fail('too-long', `The link is too long (${text.length} characters; the limit is ${MAX_HASH_LENGTH}).`);
    }
    const parts = splitHash(text, notices);
    const hide = parts.hide === null ? [] : readHide(parts.hide, options.hideable ?? hideableNames(), notices);
    if (parts.problem) return fail('not-a-link', parts.problem, hide);

    if (parts.payload === null) {
      if (parts.preset === null) return { config: structuredClone(options.fallback ?? defaultConfig()), hide, notices: capNotices(notices), error: null, errorKind: null };
      const preset = PRESET_ID.test(parts.preset) ? options.presets?.[parts.preset] : undefined;
      if (!preset) return fail('unknown-preset', `The link names a preset that does not exist (${quote(parts.preset)}).`, hide);
      return { config: structuredClone(preset), hide, notices: capNotices(notices), error: null, errorKind: null };
    }
    if (parts.preset !== null) notices.push('The link carries its own config, so its preset= option was ignored.');

    const result = decodePayload(parts.payload.version, parts.payload.data, options.migrations ?? MIGRATIONS, notices);
    if (!result.ok) return fail(result.kind, result.error, hide);
    return { config: result.config, hide, notices: capNotices(notices), error: null, errorKind: null };
  } catch (err) {
    // Nothing above should throw; if it does, the link is still refused politely.
    return fail('undecodable', `The link could not be read (${String(err).slice(0, 80)}).`);
  }
}

interface HashParts {
  payload: { version: number; data: string } | null;
  hide: string | null;
  preset: string | null;
  problem: string | null;
}

function splitHash(text: string, notices: string[]): HashParts {
  const parts: HashParts = { payload: null, hide: null, preset: null, problem: null };
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const versioned = /^v(\d{1,6})\.(.*)$/s.exec(segment);
    if (versioned) {
      if (parts.payload) notices.push('The link holds more than one config; only the first was used.');
      // Some apps percent-encode '$' or '+' when passing a link on; '%' is not in lz-string's alphabet, so decoding is safe.
      else parts.payload = { version: Number(versioned[1]), data: safeDecodeURIComponent(versioned[2]) };
      continue;
    }
    const eq = segment.indexOf('=');
    if (eq < 0) {
      parts.problem = `The link is not a RewardLab experiment (it should start with v${CONFIG_VERSION}.).`;
      continue;
    }
    const key = segment.slice(0, eq);
    const value = safeDecodeURIComponent(segment.slice(eq + 1));
    if (key === 'hide') parts.hide = value;
    else if (key === 'preset') parts.preset = value;
    else notices.push(`Ignored the unknown link option ${quote(key)}.`);
  }
  return parts;
}

function readHide(value: string, hideable: readonly string[], notices: string[]): string[] {
  const known = new Set(hideable);
  const hide: string[] = [];
  for (const name of value.split(',')) {
    if (name === '') continue;
    if (!HIDE_TOKEN.test(name) || !known.has(name)) notices.push(`Ignored hide=${quote(name)}: there is no such panel or control.`);
    else if (!hide.includes(name) && hide.length < MAX_HIDE) hide.push(name);
  }
  return hide;
}

type PayloadResult = { ok: true; config: ExperimentConfig } | { ok: false; kind: DecodeErrorKind; error: string };

function decodePayload(version: number, data: string, migrations: Readonly<Record<number, Migration>>, notices: string[]): PayloadResult {
  if (version > CONFIG_VERSION) {
    return { ok: false, kind: 'newer-version', error: `The link was made by a newer RewardLab (config version ${version}); this one reads up to version ${CONFIG_VERSION}.` };
  }
  for (let from = version; from < CONFIG_VERSION; from++) {
    if (!migrations[from]) return { ok: false, kind: 'unsupported-version', error: `The link uses config version ${version}, which this RewardLab can no longer read.` };
  }
  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(data);
  } catch {
    json = null;
  }
  if (!json) return { ok: false, kind: 'undecodable', error: 'The link is damaged or cut short: its data could not be unpacked.' };
  if (json.length > MAX_JSON_LENGTH) return { ok: false, kind: 'too-long', error: `The link unpacks to more than ${MAX_JSON_LENGTH} characters.` };
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return { ok: false, kind: 'not-json', error: 'The link is damaged or cut short: its data is not readable JSON.' };
  }
  for (let from = version; from < CONFIG_VERSION; from++) {
    try {
      payload = migrations[from](payload);
    } catch (err) {
      return { ok: false, kind: 'migration-failed', error: `The link could not be upgraded from config version ${from}: ${String(err).slice(0, 120)}` };
    }
  }
  if (!isPlainObject(payload)) return { ok: false, kind: 'not-a-config', error: 'The link data is not an experiment config.' };
  const cleaned = dropUnknownKeys(payload, ExperimentConfigSchema as unknown as SchemaNode, '', notices);
  const parsed = parseConfig({ ...(cleaned as Record<string, unknown>), version: CONFIG_VERSION });
  if (!parsed.ok) {
    const first = parsed.errors.slice(0, 3).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    const more = parsed.errors.length > 3 ? ` (and ${parsed.errors.length - 3} more)` : '';
    return { ok: false, kind: 'invalid-config', error: clip(`The link has an invalid setting. ${first.join('; ')}${more}`, 400) };
  }
  return { ok: true, config: parsed.config };
}

/**
 * A copy holding only keys the schema knows (and, for reward params, keys the term declares); each dropped key
 * becomes a notice. valibot would drop them silently. Only known keys are copied, so "__proto__" never is.
 */
function dropUnknownKeys(value: unknown, schema: SchemaNode, path: string, notices: string[]): unknown {
  const node = unwrap(schema);
  if (node.type === 'object' && node.entries && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const entry = Object.hasOwn(node.entries, key) ? node.entries[key] : undefined;
      const at = path ? `${path}.${key}` : key;
      if (!entry) notices.push(`Ignored the unknown setting ${quote(at)}.`);
      else out[key] = dropUnknownKeys(value[key], entry, at, notices);
    }
    if (path.startsWith('rewards.') && isPlainObject(out.params)) out.params = dropUnknownParams(out, `${path}.params`, notices);
    return out;
  }
  if (node.type === 'array' && node.item && Array.isArray(value)) {
    return value.map((item, i) => dropUnknownKeys(item, node.item as SchemaNode, path ? `${path}.${i}` : String(i), notices));
  }
  return value;
}

function dropUnknownParams(reward: Record<string, unknown>, path: string, notices: string[]): Record<string, unknown> {
  const given = reward.params as Record<string, unknown>;
  const term = typeof reward.id === 'string' ? rewardTerm(reward.id) : undefined;
  if (!term) return given; // parseConfig reports the unknown term itself
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (term.params.some((spec) => spec.key === key)) out[key] = given[key];
    else notices.push(`Ignored the unknown setting ${quote(`${path}.${key}`)}.`);
  }
  return out;
}

/** Every name `hide=` accepts: each config path the panels show, plus "rewards.<term id>" for each reward term. */
export function hideableNames(): string[] {
  const names: string[] = [];
  const walk = (schema: SchemaNode, path: string) => {
    const node = unwrap(schema);
    if (path && path !== 'version') names.push(path);
    if (node.type === 'object' && node.entries) {
      for (const [key, entry] of Object.entries(node.entries)) walk(entry, path ? `${path}.${key}` : key);
    }
  };
  walk(ExperimentConfigSchema as unknown as SchemaNode, '');
  // A term that serves several tasks is listed once.
  for (const task of TASKS) for (const term of termsForTask(task)) names.push(`rewards.${term.id}`);
  return [...new Set(names)];
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function safeDecodeURIComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Echoes a piece of the link in a message: quoted, short, so a banner never shows a wall of attacker text. */
function quote(s: string): string {
  return JSON.stringify(clip(s, 40));
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function capNotices(notices: string[]): string[] {
  if (notices.length <= MAX_NOTICES) return notices;
  return [...notices.slice(0, MAX_NOTICES), `…and ${notices.length - MAX_NOTICES} more ignored items.`];
}
