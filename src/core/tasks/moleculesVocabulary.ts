// The Molecules task's vocabulary: the REINVENT tokens of ../shared/data/smiles/train.smi (90,000 SMILES), end of
// sequence first, then by descending frequency (ties in code-point order), exactly as buildVocabulary() makes it.
// The shipped prior stores the same list in its manifest (npm run pretrain checks that the data gives this list).
import type { SmilesVocabulary } from './smilesTokenizer';

export const MOLECULES_VOCABULARY: SmilesVocabulary = {
  kind: 'smiles-reinvent',
  version: 1,
  tokens: ["<eos>", "c", "C", "(", ")", "1", "O", "2", "=", "N", "n", "3", "S", "-", "4", "o", "Cl", "F", "s", "/", "[nH]", "#", "[N+]", "[O-]", "Br", "5", "\\", "[C@H]", "[C@@H]", "P", "[n+]", "[C@]", "[C@@]", "6", "I", "[N-]", "[PH]", "7", "[P+]", "[c-]", "[s+]", "[C-]", "[S+]"],
};
