// Molecule drawings for the page: RDKit draws SVG in the Worker, the page shows each as <img src="data:..."> (never
// injected markup). Only the few molecules the page shows are drawn, and each drawing is cached by its SMILES.
import { initChem, MAX_QUERY_LENGTH } from './index';
import { svgToDataUrl } from './svg';

/** At most this many molecules are drawn per request (the page shows a handful). */
export const MAX_DRAWINGS = 12;
const WIDTH = 180;
const HEIGHT = 140;
const CACHE_SIZE = 256;
const cache = new Map<string, string | null>();

/**
 * Data URLs of RDKit's SVG depictions of the first MAX_DRAWINGS SMILES, in order; null where the SMILES is not a
 * valid molecule (or too long to be one of ours).
 */
export async function drawMolecules(smiles: readonly string[]): Promise<(string | null)[]> {
  const wanted = smiles.slice(0, MAX_DRAWINGS);
  if (wanted.length === 0) return [];
  const chem = await initChem();
  return wanted.map((s) => {
    if (typeof s !== 'string' || s.length === 0 || s.length > MAX_QUERY_LENGTH) return null;
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const svg = chem.moleculeSvg(s, WIDTH, HEIGHT);
    const url = svg ? svgToDataUrl(svg) : null;
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(s, url);
    return url;
  });
}
