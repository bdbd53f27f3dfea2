// CPU twin of shaders/raster_strokes.wgsl: the reference semantics of drawing one stroke per canvas.
// It is the test oracle for the WGSL kernel and the path on every backend but WebGPU.
//
// Stroke parameter layout, one row of P = STROKE_PARAMS numbers per canvas:
//   0..5  x0 y0 x1 y1 x2 y2  start, control and end point of a quadratic Bézier, as fractions of W (x) and H (y);
//                            (0, 0) is the top-left corner of the canvas, (1, 1) the bottom-right one.
//   6     width              stroke width as a fraction of the shorter canvas side (0.05 on 64×64 is 3.2 px)
//   7..9  r g b              colour in [0, 1] (clamped)
//   10    active             > 0.5 draws the stroke; otherwise the canvas is returned unchanged (a no-op stroke)
//
// Pixel (row i, column j) has its centre at (j + 0.5, i + 0.5) in pixel units. Its distance d to the curve is the
// distance to the polyline through BEZIER_SEGMENTS + 1 evenly spaced curve points (t = k / BEZIER_SEGMENTS).
// Coverage = clamp(width_px / 2 − d + 0.5, 0, 1): a one-pixel linear ramp centred on the stroke's edge.
// The new pixel is mix(old, colour, coverage) = old · (1 − coverage) + colour · coverage.

export const STROKE_PARAMS = 11;
export const STROKE = { x0: 0, y0: 1, x1: 2, y1: 3, x2: 4, y2: 5, width: 6, r: 7, g: 8, b: 9, active: 10 } as const;
/** Polyline segments approximating the curve; the WGSL kernel uses the same constant. At 32 the polyline strays from
 *  the true curve by at most |P0 − 2·P1 + P2| / 4096 px: under 0.05 px for any curve inside a 64-px canvas. */
export const BEZIER_SEGMENTS = 32;

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** The polyline through the curve, in pixel units, as [x0, y0, x1, y1, ...] (BEZIER_SEGMENTS + 1 points). */
function curvePolyline(s: ArrayLike<number>, o: number, H: number, W: number): Float64Array {
  const pts = new Float64Array(2 * (BEZIER_SEGMENTS + 1));
  const [ax, ay, bx, by, cx, cy] = [s[o] * W, s[o + 1] * H, s[o + 2] * W, s[o + 3] * H, s[o + 4] * W, s[o + 5] * H];
  for (let k = 0; k <= BEZIER_SEGMENTS; k++) {
    const t = k / BEZIER_SEGMENTS;
    const u = 1 - t;
    pts[2 * k] = u * u * ax + 2 * u * t * bx + t * t * cx;
    pts[2 * k + 1] = u * u * ay + 2 * u * t * by + t * t * cy;
  }
  return pts;
}

/** Squared distance: the minimum over segments is taken on squares, with one square root per pixel. */
function squaredDistanceToSegment(qx: number, qy: number, ax: number, ay: number, bx: number, by: number): number {
  const abx = bx - ax;
  const aby = by - ay;
  const len2 = abx * abx + aby * aby;
  const t = len2 > 1e-12 ? clamp01(((qx - ax) * abx + (qy - ay) * aby) / len2) : 0;
  const dx = qx - (ax + t * abx);
  const dy = qy - (ay + t * aby);
  return dx * dx + dy * dy;
}

/**
 * Draws stroke b onto canvas b for every b. canvases: [B, H, W, 3] row-major; strokes: [B, STROKE_PARAMS].
 * Returns a new array; the inputs are not modified.
 */
export function rasterStrokesCpu(canvases: Float32Array, strokes: Float32Array, B: number, H: number, W: number): Float32Array {
  if (canvases.length !== B * H * W * 3) throw new Error(`canvases hold ${canvases.length} values, expected B·H·W·3 = ${B * H * W * 3}`);
  if (strokes.length !== B * STROKE_PARAMS) throw new Error(`strokes hold ${strokes.length} values, expected B·${STROKE_PARAMS} = ${B * STROKE_PARAMS}`);
  const out = Float32Array.from(canvases);
  for (let b = 0; b < B; b++) {
    const o = b * STROKE_PARAMS;
    if (!(strokes[o + STROKE.active] > 0.5)) continue;
    const half = 0.5 * Math.max(strokes[o + STROKE.width], 0) * Math.min(H, W);
    const colour = [clamp01(strokes[o + STROKE.r]), clamp01(strokes[o + STROKE.g]), clamp01(strokes[o + STROKE.b])];
    const pts = curvePolyline(strokes, o, H, W);
    // The curve lies inside its control points' box; pixels farther than half + 0.5 from that box get no coverage.
    const xs = [pts[0], strokes[o + 2] * W, pts[2 * BEZIER_SEGMENTS]];
    const ys = [pts[1], strokes[o + 3] * H, pts[2 * BEZIER_SEGMENTS + 1]];
    const reach = half + 0.5;
    const jFrom = Math.max(0, Math.floor(Math.min(...xs) - reach - 0.5));
    const jTo = Math.min(W - 1, Math.ceil(Math.max(...xs) + reach));
    const iFrom = Math.max(0, Math.floor(Math.min(...ys) - reach - 0.5));
    const iTo = Math.min(H - 1, Math.ceil(Math.max(...ys) + reach));
    for (let i = iFrom; i <= iTo; i++) {
      const qy = i + 0.5;
      for (let j = jFrom; j <= jTo; j++) {
        const qx = j + 0.5;
        let d2 = Infinity;
        for (let k = 0; k < BEZIER_SEGMENTS; k++) {
          d2 = Math.min(d2, squaredDistanceToSegment(qx, qy, pts[2 * k], pts[2 * k + 1], pts[2 * k + 2], pts[2 * k + 3]));
        }
        const coverage = clamp01(half - Math.sqrt(d2) + 0.5);
        if (coverage === 0) continue;
        const p = ((b * H + i) * W + j) * 3;
        for (let c = 0; c < 3; c++) out[p + c] = canvases[p + c] * (1 - coverage) + colour[c] * coverage;
      }
    }
  }
  return out;
}

/** Mean squared ('l2') or mean absolute ('l1') difference of each canvas [B, H, W, 3] to one target [H, W, 3]. */
export function canvasDistanceCpu(canvases: Float32Array, target: Float32Array, B: number, metric: 'l2' | 'l1'): Float32Array {
  const n = target.length;
  if (canvases.length !== B * n) throw new Error(`canvases hold ${canvases.length} values, expected B·H·W·3 = ${B * n}`);
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const diff = canvases[b * n + k] - target[k];
      sum += metric === 'l2' ? diff * diff : Math.abs(diff);
    }
    out[b] = sum / n;
  }
  return out;
}
