// What the trainer needs to know about a batch of sampled SMILES beyond the reward: canonical forms (deduplication,
// diversity filter, replay), Murcko scaffolds (diversity filter), and the batch metrics the page plots live.
import { initChem } from '../chem/index';
import { BloomFilter } from '../chem/bloom';
import { moleculeMetrics, type Membership } from '../chem/metrics';

export interface MoleculeView {
  /** RDKit canonical SMILES of each sample; null where invalid. */
  canonical: (string | null)[];
  /** Murcko scaffold of each valid sample ("" for acyclic ones); null where invalid. */
  scaffolds: (string | null)[];
  /** validity, uniqueness, novelty (when the training set is known), internalDiversity, uniqueScaffolds. */
  metrics: Record<string, number>;
}

export async function viewMolecules(smiles: readonly string[], training: Membership | null): Promise<MoleculeView> {
  const chem = await initChem();
  const canonical = smiles.map((s) => chem.canonical(s));
  const scaffolds = canonical.map((c) => (c === null ? null : chem.murckoScaffold(c)));
  const m = moleculeMetrics(chem, smiles, training ?? undefined);
  const metrics: Record<string, number> = {
    validity: m.validity,
    uniqueness: m.uniqueness,
    internalDiversity: m.internalDiversity,
    uniqueScaffolds: m.uniqueScaffolds,
  };
  if (m.novelty !== null) metrics.novelty = m.novelty;
  return { canonical, scaffolds, metrics };
}

let noveltySet: Promise<Membership | null> | null = null;

/**
 * The shipped membership filter of the training set's canonical SMILES (public/priors/smiles-train.bloom), fetched once
 * from the app's base URL; null where there is no page origin (Node) or the file cannot be read (novelty is then not
 * plotted).
 */
export function shippedNoveltySet(): Promise<Membership | null> {
  noveltySet ??= (async () => {
    const origin = (globalThis as { location?: { href?: string } }).location?.href;
    if (!origin) return null;
    try {
      const res = await fetch(new URL(`${import.meta.env.BASE_URL ?? '/'}priors/smiles-train.bloom`, origin));
      return res.ok ? BloomFilter.fromBytes(new Uint8Array(await res.arrayBuffer())) : null;
    } catch {
      return null;
    }
  })();
  return noveltySet;
}
