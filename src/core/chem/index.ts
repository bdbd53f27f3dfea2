// The chemistry seam: everything the molecule task asks of RDKit goes through here.
//
// Two ways in:
//  - `await initChem()` returns a `Chem` whose methods are synchronous (fast loops over a batch, e.g. reward terms);
//  - the async functions below (`isValidSmiles`, `canonicalSmiles`, `qed`, `crippenLogP`, ...) load RDKit on first use
//    and are the stable seam for tests and for code that calls chemistry once in a while.
// Both work in a Worker, in a page and in Node. Every molecule RDKit allocates is freed before a method returns; only
// plain numbers and strings are kept, in small bounded caches keyed by the input SMILES.
import { getRDKit, parseSmiles, withMol, type JSMol, type RDKitModule } from './rdkit';
import { MORGAN_BITS, MORGAN_RADIUS, tanimoto } from './fingerprint';
import { qedFromProperties, qedProperties as qedPropertiesOfMol, type QedProperties, type RDKitDescriptorJson } from './qed';

export { tanimoto, MORGAN_BITS, MORGAN_RADIUS } from './fingerprint';
export { svgToDataUrl } from './svg';
export type { QedProperties } from './qed';

/** Plain descriptors of one molecule (RDKit's definitions). */
export interface Descriptors {
  /** Wildman-Crippen logP. */
  logP: number;
  /** Average molecular weight (g/mol), hydrogens included. */
  mw: number;
  /** Monoisotopic mass. */
  exactMw: number;
  /** Topological polar surface area (Ertl; N and O contributions), Å². */
  tpsa: number;
  /** H-bond donors (RDKit NumHBD). */
  hbd: number;
  /** H-bond acceptors (RDKit NumHBA; since RDKit's fix of issue #8997 a neutral aromatic N counts only with 2 connections). */
  hba: number;
  /** Lipinski's donor count: N-H and O-H. */
  lipinskiHbd: number;
  /** Lipinski's acceptor count: N and O atoms. */
  lipinskiHba: number;
  /** Number of rings (SSSR). */
  rings: number;
  aromaticRings: number;
  /** Rotatable bonds (RDKit's strict definition). */
  rotatableBonds: number;
  heavyAtoms: number;
  fractionCsp3: number;
  stereoCenters: number;
}

/** A small least-recently-used cache of plain values. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(
    private readonly capacity: number,
    private readonly onEvict?: (value: V) => void,
  ) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): V {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      const evicted = this.map.get(oldest) as V;
      this.map.delete(oldest);
      this.onEvict?.(evicted);
    }
    return value;
  }
}

/** What the caches store for an unparseable SMILES. */
const INVALID = null;

/** Longest query SMILES or SMARTS a user may type. */
export const MAX_QUERY_LENGTH = 256;

interface RDKitJsonAtom {
  z?: number;
  impHs?: number;
  stereo?: string;
  [k: string]: unknown;
}
interface RDKitJsonBond {
  bo?: number;
  atoms: [number, number];
  stereo?: string;
  stereoAtoms?: unknown;
  [k: string]: unknown;
}
interface RDKitJsonDoc {
  defaults: { atom: RDKitJsonAtom; bond: { bo: number } };
  molecules: { atoms: RDKitJsonAtom[]; bonds?: RDKitJsonBond[]; extensions?: unknown }[];
  [k: string]: unknown;
}

export class Chem {
  private readonly descriptorCache = new Lru<Descriptors | null>(4096);
  private readonly qedCache = new Lru<QedProperties | null>(4096);
  private readonly fpCache = new Lru<Uint8Array | null>(4096);
  private readonly canonicalCache = new Lru<string | null>(8192);
  private readonly scaffoldCache = new Lru<string | null>(4096);
  /** Compiled user SMARTS; an evicted query's molecule is freed. */
  private readonly queries = new Lru<JSMol | null>(64, (q) => q?.delete());
  private errorLog: ReturnType<RDKitModule['set_log_capture']> | undefined;

  constructor(readonly rdkit: RDKitModule) {}

  /** RDKit MinimalLib version, e.g. "2026.09.1". */
  get version(): string {
    return this.rdkit.version();
  }

  /** True when RDKit parses and sanitises the SMILES (an empty string is not a molecule). */
  isValid(smiles: string): boolean {
    return this.canonical(smiles) !== INVALID;
  }

  /** RDKit's canonical isomeric SMILES, or null when the SMILES is invalid. */
  canonical(smiles: string): string | null {
    const hit = this.canonicalCache.get(smiles);
    if (hit !== undefined) return hit;
    return this.canonicalCache.set(smiles, withMol(this.rdkit, smiles, INVALID, (mol) => mol.get_smiles()));
  }

  /**
   * `count` random SMILES of the molecule (RDKit's doRandom: a random starting atom and branch order), or [] when the
   * SMILES is invalid. RDKit draws them from its own generator, seeded once per load, so the same calls in the same
   * order give the same strings.
   */
  randomSmiles(smiles: string, count: number): string[] {
    const options = JSON.stringify({ doRandom: true, canonical: false });
    return withMol(this.rdkit, smiles, [], (mol) => Array.from({ length: count }, () => mol.get_smiles(options)));
  }

  descriptors(smiles: string): Descriptors | null {
    const hit = this.descriptorCache.get(smiles);
    if (hit !== undefined) return hit;
    return this.descriptorCache.set(smiles, withMol(this.rdkit, smiles, INVALID, (mol) => toDescriptors(readDescriptors(mol))));
  }

  /** The eight properties QED is built from. */
  qedProperties(smiles: string): QedProperties | null {
    const hit = this.qedCache.get(smiles);
    if (hit !== undefined) return hit;
    return this.qedCache.set(smiles, withMol(this.rdkit, smiles, INVALID, (mol) => qedPropertiesOfMol(this.rdkit, mol)));
  }

  /** QED (Bickerton et al. 2012, mean weights) in (0, 1), or null for an invalid SMILES. */
  qed(smiles: string): number | null {
    const p = this.qedProperties(smiles);
    return p ? qedFromProperties(p) : null;
  }

  crippenLogP(smiles: string): number | null {
    return this.descriptors(smiles)?.logP ?? null;
  }

  /** Morgan fingerprint, radius 2, 2048 bits, packed into 256 bytes; null for an invalid SMILES. */
  morganFingerprint(smiles: string): Uint8Array | null {
    const hit = this.fpCache.get(smiles);
    if (hit !== undefined) return hit;
    const fp = withMol(this.rdkit, smiles, INVALID, (mol) =>
      Uint8Array.from(mol.get_morgan_fp_as_uint8array(JSON.stringify({ radius: MORGAN_RADIUS, nBits: MORGAN_BITS })) as Uint8Array),
    );
    return this.fpCache.set(smiles, fp);
  }

  /** Tanimoto similarity of two molecules' Morgan fingerprints; null when either is invalid. */
  similarity(a: string, b: string): number | null {
    const fa = this.morganFingerprint(a);
    const fb = this.morganFingerprint(b);
    return fa && fb ? tanimoto(fa, fb) : null;
  }

  /**
   * Whether the molecule contains the SMARTS pattern; null when the SMILES is invalid.
   * Throws when the SMARTS is invalid: check it first with `checkSmarts`.
   */
  hasSubstructure(smiles: string, smarts: string): boolean | null {
    const query = this.query(smarts);
    if (!query) throw new Error(this.checkSmarts(smarts) ?? `Invalid SMARTS "${smarts}"`);
    return withMol(this.rdkit, smiles, INVALID, (mol) => {
      const match = mol.get_substruct_match(query);
      return match !== '{}' && match.includes('"atoms"');
    });
  }

  /**
   * Bemis-Murcko scaffold as canonical SMILES without stereo: ring atoms, the linkers between rings, and atoms joined to
   * those by a double bond (as RDKit's MurckoDecompose keeps, e.g. a ring carbonyl). "" for an acyclic molecule, null for
   * an invalid SMILES.
   */
  murckoScaffold(smiles: string): string | null {
    const hit = this.scaffoldCache.get(smiles);
    if (hit !== undefined) return hit;
    return this.scaffoldCache.set(smiles, withMol(this.rdkit, smiles, INVALID, (mol) => scaffoldOf(this.rdkit, mol)));
  }

  /** An SVG drawing (RDKit's 2D depiction), or null for an invalid SMILES. Show it with `svgToDataUrl` in an <img>. */
  moleculeSvg(smiles: string, width = 250, height = 200): string | null {
    return withMol(this.rdkit, smiles, INVALID, (mol) => mol.get_svg(width, height));
  }

  /** A user-facing message when the query SMILES cannot be used, or null when it is a valid molecule. */
  checkQuerySmiles(smiles: string): string | null {
    const s = smiles.trim();
    if (s.length === 0) return 'Enter a SMILES for the query molecule.';
    if (s.length > MAX_QUERY_LENGTH) return `The SMILES is too long (${s.length} characters; at most ${MAX_QUERY_LENGTH}).`;
    if (/\s/.test(s)) return 'A SMILES has no spaces: enter a single molecule.';
    if (/[{}]/.test(s)) return 'A SMILES has no braces { }.';
    const log = this.errorLogCapture();
    log?.clear_buffer();
    const mol = parseSmiles(this.rdkit, s);
    const detail = log ? summariseLog(log.get_buffer()) : '';
    log?.clear_buffer();
    if (mol) {
      const atoms = mol.get_num_atoms();
      mol.delete();
      return atoms === 0 ? 'The SMILES has no atoms.' : null;
    }
    return `Not a valid SMILES${detail ? `: ${detail}` : '.'}`;
  }

  /** A user-facing message when the SMARTS cannot be used, or null when RDKit accepts it. */
  checkSmarts(smarts: string): string | null {
    return checkSmartsWith(this.rdkit, smarts, this.errorLogCapture());
  }

  /** RDKit's error log captured into a buffer (created once: RDKit allows one capture per log). */
  private errorLogCapture(): ReturnType<RDKitModule['set_log_capture']> {
    if (this.errorLog === undefined) this.errorLog = this.rdkit.set_log_capture('rdApp.error');
    return this.errorLog;
  }

  /** A compiled SMARTS query, cached (bounded) and kept alive while cached; null when the SMARTS is invalid. */
  private query(smarts: string): JSMol | null {
    const hit = this.queries.get(smarts);
    if (hit !== undefined) return hit;
    if (smarts.length === 0 || smarts.length > MAX_QUERY_LENGTH || /[\s{}]/.test(smarts)) return null;
    let q: JSMol | null = null;
    try {
      q = this.rdkit.get_qmol(smarts);
    } catch {
      q = null;
    }
    if (q && !q.is_valid()) {
      q.delete();
      q = null;
    }
    return this.queries.set(smarts, q);
  }
}

function checkSmartsWith(rdkit: RDKitModule, smarts: string, log: ReturnType<RDKitModule['set_log_capture']>): string | null {
  const s = smarts.trim();
  if (s.length === 0) return 'Enter a SMARTS pattern.';
  if (s.length > MAX_QUERY_LENGTH) return `The SMARTS is too long (${s.length} characters; at most ${MAX_QUERY_LENGTH}).`;
  if (/\s/.test(s)) return 'A SMARTS pattern has no spaces.';
  if (/[{}]/.test(s)) return 'A SMARTS pattern has no braces { }.';
  log?.clear_buffer();
  let q: JSMol | null = null;
  try {
    q = rdkit.get_qmol(s);
  } catch {
    q = null;
  }
  const detail = log ? summariseLog(log.get_buffer()) : '';
  log?.clear_buffer();
  const ok = !!q && q.is_valid() && q.get_num_atoms() > 0;
  q?.delete();
  return ok ? null : `Not a valid SMARTS${detail ? `: ${detail}` : '.'}`;
}

/** RDKit's error log, reduced to one readable sentence ("syntax error ... around position 5"). */
function summariseLog(buffer: string): string {
  const lines = buffer
    .split('\n')
    .map((l) => l.replace(/^\[[0-9:]+\]\s*/, '').trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return '';
  const position = lines.map((l) => /around position (\d+)/.exec(l)).find((m) => m);
  const first = lines[0].replace(/^(SMILES|SMARTS) Parse Error:\s*/, '');
  const text = position ? `${first} (around character ${position[1]})` : first;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

interface FullDescriptorJson extends RDKitDescriptorJson {
  exactmw: number;
  NumHBA: number;
  lipinskiHBD: number;
  lipinskiHBA: number;
  NumRings: number;
  NumAromaticRings: number;
  NumHeavyAtoms: number;
  FractionCSP3: number;
  NumAtomStereoCenters: number;
}

function readDescriptors(mol: JSMol): FullDescriptorJson {
  return JSON.parse(mol.get_descriptors()) as FullDescriptorJson;
}

function toDescriptors(d: FullDescriptorJson): Descriptors {
  return {
    logP: d.CrippenClogP,
    mw: d.amw,
    exactMw: d.exactmw,
    tpsa: d.tpsa,
    hbd: d.NumHBD,
    hba: d.NumHBA,
    lipinskiHbd: d.lipinskiHBD,
    lipinskiHba: d.lipinskiHBA,
    rings: d.NumRings,
    aromaticRings: d.NumAromaticRings,
    rotatableBonds: d.NumRotatableBonds,
    heavyAtoms: d.NumHeavyAtoms,
    fractionCsp3: d.FractionCSP3,
    stereoCenters: d.NumAtomStereoCenters,
  };
}

/**
 * Bemis-Murcko scaffold of a parsed molecule. Side chains are pruned leaf by leaf (what remains is every ring atom and
 * every atom on a path between rings); atoms double-bonded to a kept atom are put back; each kept atom gets one
 * hydrogen per bond order it lost. The reduced graph goes back to RDKit as RDKit JSON, which re-perceives aromaticity,
 * and RDKit writes the canonical SMILES.
 */
function scaffoldOf(rdkit: RDKitModule, mol: JSMol): string {
  const doc = JSON.parse(mol.get_json()) as RDKitJsonDoc;
  const m = doc.molecules[0];
  const n = m.atoms.length;
  const bonds = m.bonds ?? [];
  const order = (b: RDKitJsonBond) => b.bo ?? doc.defaults.bond.bo;
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  bonds.forEach((b, i) => {
    adjacency[b.atoms[0]].push(i);
    adjacency[b.atoms[1]].push(i);
  });
  const keep = new Array<boolean>(n).fill(true);
  const degree = adjacency.map((a) => a.length);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) if (degree[i] <= 1) stack.push(i);
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (!keep[a]) continue;
    keep[a] = false;
    for (const bi of adjacency[a]) {
      const b = bonds[bi];
      const other = b.atoms[0] === a ? b.atoms[1] : b.atoms[0];
      if (keep[other] && --degree[other] <= 1) stack.push(other);
    }
  }
  if (!keep.some(Boolean)) return '';
  const core = keep.slice();
  for (const b of bonds) {
    const [x, y] = b.atoms;
    if (order(b) === 2 && core[x] !== core[y]) keep[core[x] ? y : x] = true;
  }
  const newIndex = new Array<number>(n).fill(-1);
  const atoms: RDKitJsonAtom[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    newIndex[i] = atoms.length;
    const { stereo: _stereo, ...atom } = m.atoms[i];
    let lostBonds = 0;
    for (const bi of adjacency[i]) {
      const b = bonds[bi];
      const other = b.atoms[0] === i ? b.atoms[1] : b.atoms[0];
      if (!keep[other]) lostBonds += order(b);
    }
    const impHs = (atom.impHs ?? doc.defaults.atom.impHs ?? 0) + lostBonds;
    atoms.push({ ...atom, impHs });
  }
  const keptBonds: RDKitJsonBond[] = [];
  for (const b of bonds) {
    if (!keep[b.atoms[0]] || !keep[b.atoms[1]]) continue;
    const { stereo: _s, stereoAtoms: _sa, ...rest } = b;
    keptBonds.push({ ...rest, atoms: [newIndex[b.atoms[0]], newIndex[b.atoms[1]]] });
  }
  const { molecules: _molecules, ...header } = doc;
  const reduced = JSON.stringify({ ...header, molecules: [{ atoms, bonds: keptBonds }] });
  const scaffold = rdkit.get_mol(reduced);
  if (!scaffold) return '';
  try {
    return scaffold.is_valid() ? scaffold.get_smiles() : '';
  } finally {
    scaffold.delete();
  }
}

let chemPromise: Promise<Chem> | null = null;

/** Load RDKit (once) and return the synchronous chemistry toolkit. */
export function initChem(): Promise<Chem> {
  if (!chemPromise) {
    chemPromise = getRDKit().then(
      (rdkit) => new Chem(rdkit),
      (err: unknown) => {
        chemPromise = null;
        throw err;
      },
    );
  }
  return chemPromise;
}

export async function isValidSmiles(smiles: string): Promise<boolean> {
  return (await initChem()).isValid(smiles);
}
export async function canonicalSmiles(smiles: string): Promise<string | null> {
  return (await initChem()).canonical(smiles);
}
export async function qed(smiles: string): Promise<number | null> {
  return (await initChem()).qed(smiles);
}
export async function crippenLogP(smiles: string): Promise<number | null> {
  return (await initChem()).crippenLogP(smiles);
}
export async function descriptors(smiles: string): Promise<Descriptors | null> {
  return (await initChem()).descriptors(smiles);
}
export async function morganFingerprint(smiles: string): Promise<Uint8Array | null> {
  return (await initChem()).morganFingerprint(smiles);
}
export async function hasSubstructure(smiles: string, smarts: string): Promise<boolean | null> {
  return (await initChem()).hasSubstructure(smiles, smarts);
}
export async function murckoScaffold(smiles: string): Promise<string | null> {
  return (await initChem()).murckoScaffold(smiles);
}
export async function moleculeSvg(smiles: string, width?: number, height?: number): Promise<string | null> {
  return (await initChem()).moleculeSvg(smiles, width, height);
}
export async function checkQuerySmiles(smiles: string): Promise<string | null> {
  return (await initChem()).checkQuerySmiles(smiles);
}
export async function checkSmarts(smarts: string): Promise<string | null> {
  return (await initChem()).checkSmarts(smarts);
}
