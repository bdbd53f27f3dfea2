// SMILES enumeration (Bjerrum 2017; Arús-Pous et al. 2019): one molecule has many SMILES, one per starting atom and
// branch order. Pretraining on several random SMILES of each training molecule multiplies a small set's examples without
// inventing chemistry: the model has to learn how SMILES are written, not one writing of each molecule.
import type { Chem } from '../chem';

export interface EnumeratedCorpus {
  /** Each usable training SMILES followed by its usable random variants. */
  examples: string[];
  /** Variants refused by `keep` (e.g. a ring label or length the model cannot write). */
  dropped: number;
}

/** The corpus with `variants` random SMILES of every molecule added; strings `keep` refuses are dropped and counted. */
export function enumerateSmiles(
  chem: Pick<Chem, 'randomSmiles'>,
  corpus: readonly string[],
  variants: number,
  keep: (smiles: string) => boolean,
): EnumeratedCorpus {
  if (!Number.isInteger(variants) || variants < 0) throw new Error(`The number of random SMILES per molecule must be a whole number ≥ 0, not ${variants}`);
  const examples: string[] = [];
  let dropped = 0;
  for (const smiles of corpus) {
    examples.push(smiles);
    for (const variant of chem.randomSmiles(smiles, variants)) {
      if (keep(variant)) examples.push(variant);
      else dropped++;
    }
  }
  return { examples, dropped };
}
