// An uploaded image (or the draw-your-own pad's pixels) turned into a painting target [size, size, 3] in [0, 1]:
// centre-cropped to a square, resized by area averaging, transparent pixels composited over white.
// Bad input fails early with a message a user can act on: ImageInputError.message is meant to be shown as is.
import { checkTargetSize } from './targets';

export const IMAGE_LIMITS = { maxBytes: 10 * 1024 * 1024, maxSide: 8192 } as const;

export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

/** RGBA bytes, not premultiplied, row-major: the shape of ImageData. */
export interface RgbaImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

function checkSides(width: number, height: number): void {
  if (!(width >= 1 && height >= 1)) throw new ImageInputError(`The image is empty (${width}×${height} pixels)`);
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) {
    throw new ImageInputError(
      `The image is ${width}×${height} pixels; the limit is ${IMAGE_LIMITS.maxSide} pixels per side. Scale it down and try again.`,
    );
  }
}

/** For each output index, the source indices it covers and their weights (fractions of one output pixel). */
function areaWeights(srcLength: number, outLength: number): { index: number; weight: number }[][] {
  const scale = srcLength / outLength;
  return Array.from({ length: outLength }, (_, o) => {
    const from = o * scale;
    const to = (o + 1) * scale;
    const taps: { index: number; weight: number }[] = [];
    for (let s = Math.floor(from); s < Math.min(Math.ceil(to), srcLength); s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      if (overlap > 0) taps.push({ index: s, weight: overlap / scale });
    }
    return taps;
  });
}

/** Centre crop to a square, composite over white, area-average to size×size. Pure: runs in Node and Workers. */
export function imageDataToTarget(image: RgbaImage, size: number): Float32Array {
  checkTargetSize(size);
  const { width, height, data } = image;
  checkSides(width, height);
  if (data.length !== width * height * 4) throw new ImageInputError(`Image data holds ${data.length} bytes, expected ${width}×${height}×4`);
  const side = Math.min(width, height);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const taps = areaWeights(side, size);
  // Over white: c' = a·c + (1 − a). Doing it per source pixel keeps the average right at soft edges.
  const over = (k: number, c: number) => {
    const a = data[k * 4 + 3] / 255;
    return (a * data[k * 4 + c]) / 255 + (1 - a);
  };
  // Resample rows first (side × size), then columns (size × size): the box filter is separable.
  const rows = new Float64Array(side * size * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      for (const { index, weight } of taps[x]) {
        const k = (top + y) * width + left + index;
        for (let c = 0; c < 3; c++) rows[(y * size + x) * 3 + c] += weight * over(k, c);
      }
    }
  }
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (const { index, weight } of taps[y]) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] += weight * rows[(index * size + x) * 3 + c];
      }
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = Math.min(1, Math.max(0, out[k]));
  return out;
}

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) => u16be(b, o) * 65536 + u16be(b, o + 2);
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

/** Format and pixel size from a file's first bytes, before any decoding, so a huge image is refused cheaply. */
export function sniffImageHeader(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } | null {
  const b = bytes;
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
  if (b.length >= 10 && ascii(b, 0, 4) === 'GIF8') return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM') return { format: 'bmp', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
  if (b.length >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    const chunk = ascii(b, 12, 4);
    if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (chunk === 'VP8L') {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8 ') return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker (C0–CF except C4, C8, CC), which holds the size.
    let o = 2;
    while (o + 9 < b.length) {
      if (b[o] !== 0xff) return null;
      const marker = b[o + 1];
      if (marker === 0xff) { o++; continue; }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', width: u16be(b, o + 7), height: u16be(b, o + 5) };
      }
      o += 2 + u16be(b, o + 2);
    }
    return null;
  }
  return null;
}

/** What a file claims to be, checked before reading it: size and type. Returns a message, or null when it may be read. */
export function imageFileProblem(file: { size: number; type: string }): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > IMAGE_LIMITS.maxBytes) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    return `The file is ${mb(file.size)} MB; the limit is ${mb(IMAGE_LIMITS.maxBytes)} MB. Use a smaller image.`;
  }
  if (file.type === 'image/svg+xml') return 'SVG drawings are not supported: export it as PNG or JPEG first.';
  if (file.type !== '' && !file.type.startsWith('image/')) return `This file (${file.type}) is not an image: choose a PNG, JPEG, GIF, WebP or BMP.`;
  return null;
}

/**
 * Decodes an uploaded file into a target, in a browser page or Worker (createImageBitmap + OffscreenCanvas).
 * The browser resizes the crop to at most 4× the target first, so a large photo never becomes a huge pixel array here.
 */
export async function imageFileToTarget(file: Blob, size: number): Promise<Float32Array> {
  checkTargetSize(size);
  const problem = imageFileProblem(file);
  if (problem) throw new ImageInputError(problem);
  const header = sniffImageHeader(new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer()));
  if (!header && !file.type.startsWith('image/')) {
    throw new ImageInputError('This file is not an image we can read: choose a PNG, JPEG, GIF, WebP or BMP.');
  }
  if (header) checkSides(header.width, header.height);
  if (typeof createImageBitmap === 'undefined' || typeof OffscreenCanvas === 'undefined') {
    throw new Error('Decoding images needs createImageBitmap and OffscreenCanvas (a browser page or a Worker)');
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageInputError('This file could not be decoded as an image: it may be damaged or in an unsupported format.');
  }
  try {
    checkSides(bitmap.width, bitmap.height);
    const side = Math.min(bitmap.width, bitmap.height);
    const inner = Math.min(side, size * 4);
    const crop = await createImageBitmap(bitmap, Math.floor((bitmap.width - side) / 2), Math.floor((bitmap.height - side) / 2), side, side, {
      resizeWidth: inner, resizeHeight: inner, resizeQuality: 'high', premultiplyAlpha: 'none',
    });
    try {
      const ctx = new OffscreenCanvas(inner, inner).getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('Could not get a 2D context from OffscreenCanvas to read the image');
      ctx.drawImage(crop, 0, 0);
      return imageDataToTarget(ctx.getImageData(0, 0, inner, inner), size);
    } finally {
      crop.close();
    }
  } finally {
    bitmap.close();
  }
}
