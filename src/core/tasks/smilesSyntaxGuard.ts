// The SMILES syntax guard: while a molecule is written, the tokens that would break SMILES's bracket syntax get
// probability 0, and the policy's distribution is renormalised over the rest (grammar-constrained decoding).
//   - ")" only while a branch is open (depth > 0);
//   - the end token only when every branch is closed and every ring bond label is paired;
//   - a budget, so that every sample ends, closed, within its T steps: each open branch or ring label needs one more
//     token to close it, and the end token one step. With `need` of them open and `remaining` steps left (this one
//     included), a token may come only if what it leaves open still fits in the steps after it: closers need
//     need + 1 ≤ remaining, other tokens need + 2, and "(" or a new ring label, which open one more, need + 3.
//     Near the limit only closers (and then the end) remain, instead of a sample cut off with a ring bond open.
// A valid SMILES of at most T tokens (its end included) never meets a masked token. The guard is part of the policy:
// sampling, teacher-forced log-probabilities, entropy and KL all see the same masked distribution.
// Chemistry (valence, aromaticity) is not checked: RDKit decides that afterwards.
//
// Each vocabulary token gets a kind (an int32 table that the WGSL rollout reads too):
//   0 anything else, 1 "(", 2 ")", 3 + k the ring bond label number k (bit k of the open-rings mask).
import { EOS_INDEX } from './smilesTokenizer';

export const KIND_PLAIN = 0;
export const KIND_BRANCH_OPEN = 1;
export const KIND_BRANCH_CLOSE = 2;
export const KIND_RING_FIRST = 3;
/** Ring labels tracked, one bit each of a 32-bit mask. Labels beyond these are left unchecked (treated as plain). */
export const MAX_RING_LABELS = 29;
/** What a masked token's logit becomes: far enough below any real logit that exp() gives exactly 0 in float32. */
export const MASKED_LOGIT = -1e9;

const RING_LABEL = /^(\d|%\d\d)$/;

/** The kind of every token of a SMILES vocabulary (index 0 is the end token, kind plain: its rule is separate). */
export function smilesTokenKinds(tokens: readonly string[]): Int32Array {
  const kinds = new Int32Array(tokens.length);
  let labels = 0;
  tokens.forEach((token, i) => {
    if (i === EOS_INDEX) return;
    if (token === '(') kinds[i] = KIND_BRANCH_OPEN;
    else if (token === ')') kinds[i] = KIND_BRANCH_CLOSE;
    else if (RING_LABEL.test(token) && labels < MAX_RING_LABELS) kinds[i] = KIND_RING_FIRST + labels++;
  });
  return kinds;
}

/** Number of ring labels a kinds table tracks. */
export function ringLabelCount(kinds: Int32Array): number {
  return kinds.reduce((n, k) => (k >= KIND_RING_FIRST ? n + 1 : n), 0);
}

/** The guard's state after a prefix: branch depth and the bit mask of ring labels opened and not yet closed. */
export interface GuardState {
  depth: number;
  openRings: number;
}

export const GUARD_START: GuardState = { depth: 0, openRings: 0 };

function bitCount(x: number): number {
  let n = 0;
  for (let y = x >>> 0; y; y &= y - 1) n++;
  return n;
}

/**
 * Whether `token` may come next with `remaining` steps left, this one included (T − t for step t). The reference the
 * tensor and WGSL versions are tested against.
 */
export function guardAllows(kinds: Int32Array, state: GuardState, token: number, remaining: number): boolean {
  const need = state.depth + bitCount(state.openRings);
  if (token === EOS_INDEX) return state.depth <= 0 && state.openRings === 0;
  const kind = kinds[token];
  if (kind === KIND_BRANCH_CLOSE) return state.depth > 0 && need + 1 <= remaining;
  if (kind >= KIND_RING_FIRST) {
    const closing = (state.openRings >>> (kind - KIND_RING_FIRST)) & 1;
    return need + (closing ? 1 : 3) <= remaining;
  }
  return need + (kind === KIND_BRANCH_OPEN ? 3 : 2) <= remaining;
}

/** The state after `token`. */
export function guardAdvance(kinds: Int32Array, state: GuardState, token: number): GuardState {
  const kind = kinds[token];
  if (kind === KIND_BRANCH_OPEN) return { depth: state.depth + 1, openRings: state.openRings };
  if (kind === KIND_BRANCH_CLOSE) return { depth: state.depth - 1, openRings: state.openRings };
  if (kind >= KIND_RING_FIRST) return { depth: state.depth, openRings: (state.openRings ^ (1 << (kind - KIND_RING_FIRST))) >>> 0 };
  return state;
}
