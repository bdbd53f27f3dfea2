// The first SMILES bracket rule a string breaks, read from its tokens alone: a branch closed that was never opened, or
// (at the end) a branch or ring bond left open. Used to sort invalid samples (pretrain-quality) and, in tests, as a
// check of the syntax guard that does not share its code.
import { tokenizeSmiles } from '../src/core/tasks/smilesTokenizer';

export type BracketProblem = 'unopenedBranch' | 'openBranch' | 'openRing';

export function bracketProblem(smiles: string): BracketProblem | null {
  let depth = 0;
  const open = new Set<string>();
  // Bracket atoms are single tokens, so digits inside them (charges, isotopes) are never read as ring-bond labels.
  for (const token of tokenizeSmiles(smiles)) {
    if (token === '(') depth++;
    else if (token === ')' && --depth < 0) return 'unopenedBranch';
    else if (/^(\d|%\d\d)$/.test(token) && !open.delete(token)) open.add(token);
  }
  return depth > 0 ? 'openBranch' : open.size ? 'openRing' : null;
}
