// RDKit MinimalLib (WebAssembly), loaded lazily and once.
//
// The ~7 MB wasm is fetched only when something asks for chemistry (a molecule task), and the init promise is cached
// so every caller shares one module. The same code runs in three places:
//  - Node (unit tests, scripts): the emscripten loader reads the wasm file next to RDKit_minimal.js by itself;
//  - a page or a module Worker built by Vite: `initRDKitModule` is not a global in a module Worker (rdkit-js issue #326),
//    so the loader is imported as a module, and the wasm URL comes from Vite (`?url`) through `locateFile`.
// RDKit's own logging is switched off: invalid SMILES are normal during RL and would flood the console.
import type { MainModule, Mol } from '@rdkit/rdkit';

/** The initialised RDKit MinimalLib module. */
export type RDKitModule = MainModule;
/** A molecule owned by wasm memory: always `delete()` it. */
export type JSMol = Mol;

type Factory = (options?: { locateFile?: (file: string) => string }) => Promise<RDKitModule>;

let modulePromise: Promise<RDKitModule> | null = null;
let loaded: RDKitModule | null = null;

function inNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && typeof (globalThis as { document?: unknown }).document === 'undefined'
    && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

function pickFactory(imported: unknown): Factory | undefined {
  const m = imported as { default?: unknown } | undefined;
  if (typeof m?.default === 'function') return m.default as Factory;
  if (typeof imported === 'function') return imported as Factory;
  return undefined;
}

/**
 * RDKit_minimal.js is a UMD file (CommonJS `module.exports`, else a top-level `var initRDKitModule`). A production Vite
 * build and Node both turn it into a module with a default export. When a dev server serves it untransformed (it is in
 * `optimizeDeps.exclude`), importing it yields no export, so we load the same file as text, append an ES export and
 * import that as a module from a Blob URL. This works in pages and in module Workers alike.
 */
async function importFactoryFromSource(): Promise<Factory | undefined> {
  const { default: jsUrl } = await import('@rdkit/rdkit?url');
  const source = await (await fetch(jsUrl)).text();
  const blob = new Blob([source, '\nexport default initRDKitModule;\n'], { type: 'text/javascript' });
  const blobUrl = URL.createObjectURL(blob);
  try {
    return pickFactory(await import(/* @vite-ignore */ blobUrl));
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}

async function load(): Promise<RDKitModule> {
  let factory = pickFactory(await import('@rdkit/rdkit'));
  let options: { locateFile?: (file: string) => string } | undefined;
  if (!inNode()) {
    factory ??= await importFactoryFromSource();
    const { default: wasmUrl } = await import('@rdkit/rdkit/RDKit_minimal.wasm?url');
    options = { locateFile: (file: string) => (file.endsWith('.wasm') ? wasmUrl : file) };
  }
  if (!factory) throw new Error('RDKit could not be loaded: @rdkit/rdkit exposed no initRDKitModule function');
  const rdkit = await factory(options);
  rdkit.disable_logging();
  return rdkit;
}

/** The RDKit module, initialised on first call; later calls share the same promise. A failed load may be retried. */
export function getRDKit(): Promise<RDKitModule> {
  if (!modulePromise) {
    modulePromise = load().then(
      (m) => (loaded = m),
      (err: unknown) => {
        modulePromise = null;
        throw err instanceof Error ? err : new Error(String(err));
      },
    );
  }
  return modulePromise;
}

/** The module if it has finished loading, else null (for synchronous callers that must not wait). */
export function loadedRDKit(): RDKitModule | null {
  return loaded;
}

/** Longest string we hand to RDKit as a SMILES (generated samples are at most a few hundred characters). */
export const MAX_SMILES_LENGTH = 1000;

/**
 * Parse a SMILES into a molecule, or null. MinimalLib's `get_mol` also accepts mol blocks and JSON, so anything with
 * whitespace or a brace is refused here: a SMILES never contains them, and a generated string must not be read as another
 * format. An empty string is not a molecule.
 */
export function parseSmiles(rdkit: RDKitModule, smiles: string): JSMol | null {
  if (smiles.length === 0 || smiles.length > MAX_SMILES_LENGTH || /[\s{}]/.test(smiles)) return null;
  let mol: JSMol | null = null;
  try {
    mol = rdkit.get_mol(smiles);
  } catch {
    mol = null;
  }
  if (mol && !mol.is_valid()) {
    mol.delete();
    return null;
  }
  return mol;
}

/** Run `fn` on the parsed molecule and always free it; `fallback` when the SMILES does not parse. */
export function withMol<T>(rdkit: RDKitModule, smiles: string, fallback: T, fn: (mol: JSMol) => T): T {
  const mol = parseSmiles(rdkit, smiles);
  if (!mol) return fallback;
  try {
    return fn(mol);
  } finally {
    mol.delete();
  }
}
