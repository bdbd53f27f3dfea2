// RGB images in [0, 1] (the painter's canvases and targets) as RGBA bytes for <canvas>.
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export function rgbToRgba(rgb: ArrayLike<number>, side: number): RgbaImage {
  const rgba = new Uint8ClampedArray(side * side * 4);
  for (let k = 0; k < side * side; k++) {
    for (let c = 0; c < 3; c++) rgba[k * 4 + c] = Math.round(rgb[k * 3 + c] * 255);
    rgba[k * 4 + 3] = 255;
  }
  return { width: side, height: side, rgba };
}
