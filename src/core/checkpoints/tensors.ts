// Checks that a list of serialized tensors is self-consistent: the one place that knows how shapes, dtypes and
// byte lengths relate.
import type { SerializedTensor } from './types';

export const BYTES_PER_ELEMENT = 4; // float32 and int32 alike
const MAX_RANK = 8;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function isValidShape(shape: unknown): shape is number[] {
  return (
    Array.isArray(shape) &&
    shape.length <= MAX_RANK &&
    shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
    Number.isSafeInteger(elementCount(shape))
  );
}

/** The problem with a tensor list, or null: names unique per list, dtype matching the array type, length matching shape. */
export function tensorListProblem(tensors: unknown, group: string): string | null {
  if (!Array.isArray(tensors)) return `${group} is not a list of tensors`;
  const names = new Set<string>();
  for (const [i, t] of tensors.entries()) {
    const at = `${group}[${i}]`;
    if (typeof t !== 'object' || t === null) return `${at} is not a tensor`;
    const { name, shape, dtype, data } = t as Partial<SerializedTensor>;
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) return `${at} has no usable name`;
    if (names.has(name)) return `${group} has two tensors named "${name}"`;
    names.add(name);
    if (!isValidShape(shape)) return `${group} tensor "${name}" has an invalid shape`;
    if (!((dtype === 'float32' && data instanceof Float32Array) || (dtype === 'int32' && data instanceof Int32Array))) return `${group} tensor "${name}" has data that does not match its dtype`;
    if (data.length !== elementCount(shape)) {
      return `${group} tensor "${name}" holds ${data.length} values but its shape [${shape.join(', ')}] needs ${elementCount(shape)}`;
    }
  }
  return null;
}

/** How a tensor list differs from the names and shapes a model needs, or null when it fits exactly. */
export function shapeMismatch(weights: readonly SerializedTensor[], expected: Readonly<Record<string, readonly number[]>>): string | null {
  const byName = new Map(weights.map((t) => [t.name, t.shape]));
  for (const [name, shape] of Object.entries(expected)) {
    const got = byName.get(name);
    if (!got) return `its weights lack "${name}", which this model needs`;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      return `weight "${name}" has shape [${got.join(', ')}], but its settings need [${shape.join(', ')}]`;
    }
  }
  const extra = weights.find((t) => !Object.hasOwn(expected, t.name));
  return extra ? `it has a weight "${extra.name}" that this model does not use` : null;
}

/** The tensor's bytes, as a view (no copy). Little-endian on every platform browsers run on. */
export function tensorBytes(t: SerializedTensor): Uint8Array<ArrayBuffer> {
  return new Uint8Array(t.data.buffer as ArrayBuffer, t.data.byteOffset, t.data.byteLength);
}

/**
 * A tensor whose data owns its whole buffer. A view into a larger buffer would make IndexedDB's structured clone
 * store the entire buffer once per tensor.
 */
export function compactTensor(t: SerializedTensor): SerializedTensor {
  const owns = t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength && t.data.buffer instanceof ArrayBuffer;
  return { name: t.name, shape: [...t.shape], dtype: t.dtype, data: owns ? t.data : t.data.slice() };
}
