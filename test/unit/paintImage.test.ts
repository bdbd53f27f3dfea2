import { describe, expect, it } from 'vitest';
import { IMAGE_LIMITS, ImageInputError, imageDataToTarget, imageFileProblem, imageFileToTarget, sniffImageHeader } from '../../src/core/tasks/paint/image';

/** An opaque RGBA image whose pixel (x, y) has grey level f(x, y) in 0..255. */
function grey(width: number, height: number, f: (x: number, y: number) => number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([f(x, y), f(x, y), f(x, y), 255], (y * width + x) * 4);
  return { data, width, height };
}
const reds = (img: Float32Array) => Array.from({ length: img.length / 3 }, (_, k) => img[k * 3]);

describe('imageDataToTarget', () => {
  it('centre-crops a wide image to its middle square', () => {
    // 4×2: columns 0 and 3 are black, the middle two columns 51 and 102.
    const img = grey(4, 2, (x) => [0, 51, 102, 0][x]);
    const out = imageDataToTarget({ ...img }, 8);
    expect(out.length).toBe(8 * 8 * 3);
    // Upscaled 2×2 → 8×8: the left half takes column 1, the right half column 2.
    expect(reds(out).slice(0, 8).map((v) => Math.round(v * 255))).toEqual([51, 51, 51, 51, 102, 102, 102, 102]);
  });

  it('centre-crops a tall image too', () => {
    const img = grey(2, 6, (_x, y) => (y >= 2 && y < 4 ? 255 : 0));
    expect(reds(imageDataToTarget(img, 8)).every((v) => v === 1)).toBe(true);
  });

  it('averages areas when shrinking, including fractional overlaps', () => {
    // 16×16 checkerboard of 0/255 shrunk 2× per side: every output pixel is one black and one white pair per row: 0.5.
    const checker = grey(16, 16, (x, y) => ((x + y) % 2 ? 255 : 0));
    expect(reds(imageDataToTarget(checker, 8)).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    // 12×12 → 8×8 (1.5 source pixels per output pixel): output column 0 covers source columns 0 (weight 2/3) and 1 (1/3).
    const ramp = grey(12, 12, (x) => (x === 0 ? 255 : 0));
    const out = reds(imageDataToTarget(ramp, 8));
    expect(out[0]).toBeCloseTo(2 / 3, 6);
    expect(out[1]).toBeCloseTo(0, 6);
    // Area averaging keeps the mean brightness.
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(1 / 12, 6);
  });

  it('composites transparent pixels over white', () => {
    const data = new Uint8ClampedArray([
      0, 0, 0, 0, // fully transparent black → white
      255, 0, 0, 128, // half-transparent red
      0, 0, 255, 255, // opaque blue
      0, 255, 0, 255, // opaque green
    ]);
    const out = imageDataToTarget({ data, width: 2, height: 2 }, 8);
    const at = (i: number, j: number) => Array.from(out.subarray((i * 8 + j) * 3, (i * 8 + j) * 3 + 3));
    expect(at(0, 0)).toEqual([1, 1, 1]);
    const a = 128 / 255;
    at(0, 7).forEach((v, c) => expect(v).toBeCloseTo([1, 1 - a, 1 - a][c], 6));
    expect(at(7, 0)).toEqual([0, 0, 1]);
    expect(at(7, 7)).toEqual([0, 1, 0]);
  });

  it('rejects empty, oversized and inconsistent images with a readable message', () => {
    expect(() => imageDataToTarget({ data: new Uint8Array(0), width: 0, height: 5 }, 32)).toThrow(ImageInputError);
    expect(() => imageDataToTarget({ data: new Uint8Array(0), width: 9000, height: 10 }, 32)).toThrow(/9000×10 pixels; the limit is 8192/);
    expect(() => imageDataToTarget({ data: new Uint8Array(7), width: 2, height: 2 }, 32)).toThrow(/7 bytes, expected 2×2×4/);
  });
});

function pngHeader(width: number, height: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

describe('sniffImageHeader', () => {
  it('reads sizes from PNG, GIF, BMP, JPEG and WebP headers', () => {
    expect(sniffImageHeader(pngHeader(9000, 12))).toEqual({ format: 'png', width: 9000, height: 12 });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00]);
    expect(sniffImageHeader(gif)).toEqual({ format: 'gif', width: 320, height: 240 });
    const bmp = new Uint8Array(26);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true); // top-down bitmaps store a negative height
    expect(sniffImageHeader(bmp)).toEqual({ format: 'bmp', width: 640, height: 480 });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 600 and width 800.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, ...new Array(14).fill(0), 0xff, 0xc0, 0, 17, 8, 0x02, 0x58, 0x03, 0x20, 3, 0, 0, 0]);
    expect(sniffImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 800, height: 600 });
    const webp = new Uint8Array(30);
    webp.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
    webp.set([...'WEBPVP8X'].map((c) => c.charCodeAt(0)), 8);
    webp.set([0x1f, 0x03, 0x00], 24); // width − 1 = 799
    webp.set([0x57, 0x02, 0x00], 27); // height − 1 = 599
    expect(sniffImageHeader(webp)).toEqual({ format: 'webp', width: 800, height: 600 });
  });

  it('returns null for bytes that are not an image', () => {
    expect(sniffImageHeader(new TextEncoder().encode('hello, this is a text file and not a picture'))).toBeNull();
    expect(sniffImageHeader(new Uint8Array(0))).toBeNull();
  });
});

describe('uploaded files', () => {
  it('names the problem with a file before reading it', () => {
    expect(imageFileProblem({ size: 0, type: 'image/png' })).toMatch(/empty/);
    expect(imageFileProblem({ size: IMAGE_LIMITS.maxBytes + 1, type: 'image/png' })).toMatch(/limit is 10.0 MB/);
    expect(imageFileProblem({ size: 100, type: 'text/plain' })).toMatch(/not an image/);
    expect(imageFileProblem({ size: 100, type: 'image/svg+xml' })).toMatch(/SVG/);
    expect(imageFileProblem({ size: 100, type: 'image/png' })).toBeNull();
  });

  it('refuses a text file and a huge PNG before decoding anything', async () => {
    await expect(imageFileToTarget(new Blob(['just words']), 32)).rejects.toThrow(/not an image we can read/);
    await expect(imageFileToTarget(new Blob(['just words'], { type: 'text/plain' }), 32)).rejects.toThrow(ImageInputError);
    await expect(imageFileToTarget(new Blob([pngHeader(20000, 20000)], { type: 'image/png' }), 32)).rejects.toThrow(/20000×20000 pixels/);
  });
});
