// Grows a trained GRU to more hidden units without changing what it computes (Net2Net's idea, Chen et al. 2016:
// widen, then keep training). The new units read the old ones through fresh random weights, but nothing reads them yet:
// their rows in the recurrent kernel (towards the old units' gates) and in both heads are zero. So the wider model's
// logits equal the old model's exactly, and training can start from the old model's quality instead of from scratch.
import { Rng } from '../rng';
import { weightShapes, type GruSize } from './charGru';

type Values = Record<string, Float32Array>;

/** Copies the old [rows, 3·H] gate blocks (reset | update | candidate) into the first columns of each wider block. */
function widenGateColumns(
  old: Float32Array,
  rows: number,
  H: number,
  wideRows: number,
  wideH: number,
  fresh: () => number,
): Float32Array {
  const out = new Float32Array(wideRows * 3 * wideH);
  for (let row = 0; row < wideRows; row++) {
    for (let gate = 0; gate < 3; gate++) {
      for (let j = 0; j < wideH; j++) {
        const col = gate * wideH + j;
        // Old rows into old units: the old weight. Old units' gates from new units: 0. New units' gates: fresh.
        const value = j < H ? (row < rows ? old[row * 3 * H + gate * H + j] : 0) : fresh();
        out[row * 3 * wideH + col] = value;
      }
    }
  }
  return out;
}

/** The values of a model of size `{...size, hidden}` that computes the same logits and values as `values` of `size`. */
export function widenGruValues(values: Values, size: GruSize, hidden: number, seed: number): Values {
  const H = size.hidden;
  if (hidden < H) throw new Error(`Cannot widen a GRU of ${H} hidden units to ${hidden}`);
  const { vocab: V, embedding: E } = size;
  const rng = new Rng(seed).split('gru-widen');
  const glorot = (fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return () => (rng.float() * 2 - 1) * limit;
  };
  const inputFresh = glorot(E, 3 * hidden);
  const recurrentFresh = glorot(hidden, 3 * hidden);
  const widenBias = (old: Float32Array) => widenGateColumns(old, 1, H, 1, hidden, () => 0);
  const padRows = (old: Float32Array, cols: number) => {
    const out = new Float32Array(hidden * cols);
    out.set(old.subarray(0, H * cols));
    return out;
  };
  const wide: Values = {
    embedding: values.embedding.slice(),
    inputKernel: widenGateColumns(values.inputKernel, E, H, E, hidden, inputFresh),
    recurrentKernel: widenGateColumns(values.recurrentKernel, H, H, hidden, hidden, recurrentFresh),
    inputBias: widenBias(values.inputBias),
    recurrentBias: widenBias(values.recurrentBias),
    logitsKernel: padRows(values.logitsKernel, V),
    logitsBias: values.logitsBias.slice(),
    valueKernel: padRows(values.valueKernel, 1),
    valueBias: values.valueBias.slice(),
  };
  const shapes = weightShapes({ ...size, hidden });
  for (const [name, shape] of Object.entries(shapes)) {
    if (wide[name].length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`widenGruValues: ${name} has the wrong size`);
  }
  return wide;
}
