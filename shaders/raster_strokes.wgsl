// Draws one quadratic Bézier stroke onto each of B canvases [B, H, W, 3], one thread per pixel, all canvases in one
// dispatch. The semantics (stroke layout, coverage, compositing) are those of src/core/kernels/rasterStrokesCpu.ts.
// tfjs wraps this text: it declares `uniforms` (outShape = B, H, W, 3), the getters getCanvas / getStroke and
// setOutputAtCoords, and calls main with the flat thread index. Sizes come from uniforms, never from this text.

const SEGMENTS : i32 = 32;  // BEZIER_SEGMENTS in the CPU twin

fn curvePoint(p0 : vec2<f32>, p1 : vec2<f32>, p2 : vec2<f32>, t : f32) -> vec2<f32> {
  let u = 1.0 - t;
  return u * u * p0 + 2.0 * u * t * p1 + t * t * p2;
}

// Squared: the minimum over segments is taken on squares, with one square root per pixel.
fn squaredDistanceToSegment(q : vec2<f32>, a : vec2<f32>, b : vec2<f32>) -> f32 {
  let ab = b - a;
  let len2 = dot(ab, ab);
  var t = 0.0;
  if (len2 > 1e-12) {
    t = clamp(dot(q - a, ab) / len2, 0.0, 1.0);
  }
  let r = q - (a + t * ab);
  return dot(r, r);
}

fn strokeCoverage(b : i32, q : vec2<f32>, H : i32, W : i32) -> f32 {
  if (!(getStroke(b, 10) > 0.5)) {
    return 0.0;
  }
  let size = vec2<f32>(f32(W), f32(H));
  let p0 = vec2<f32>(getStroke(b, 0), getStroke(b, 1)) * size;
  let p1 = vec2<f32>(getStroke(b, 2), getStroke(b, 3)) * size;
  let p2 = vec2<f32>(getStroke(b, 4), getStroke(b, 5)) * size;
  let halfWidth = 0.5 * max(getStroke(b, 6), 0.0) * f32(min(H, W));
  // The curve lies inside its control points' box: skip the curve for pixels that cannot be covered.
  let reach = halfWidth + 0.5;
  let lo = min(min(p0, p1), p2) - vec2<f32>(reach);
  let hi = max(max(p0, p1), p2) + vec2<f32>(reach);
  if (any(q < lo) || any(q > hi)) {
    return 0.0;
  }
  var d2 = 1e30;
  var segStart = p0;
  for (var k = 1; k <= SEGMENTS; k++) {
    let segEnd = curvePoint(p0, p1, p2, f32(k) / f32(SEGMENTS));
    d2 = min(d2, squaredDistanceToSegment(q, segStart, segEnd));
    segStart = segEnd;
  }
  return clamp(halfWidth - sqrt(d2) + 0.5, 0.0, 1.0);
}

fn main(index : i32) {
  let H = uniforms.outShape.y;
  let W = uniforms.outShape.z;
  if (index >= uniforms.outShape.x * H * W) {
    return;
  }
  let b = index / (H * W);
  let i = (index / W) % H;
  let j = index % W;
  let coverage = strokeCoverage(b, vec2<f32>(f32(j) + 0.5, f32(i) + 0.5), H, W);
  let colour = clamp(vec3<f32>(getStroke(b, 7), getStroke(b, 8), getStroke(b, 9)), vec3<f32>(0.0), vec3<f32>(1.0));
  for (var c = 0; c < 3; c++) {
    let previous = getCanvas(b, i, j, c);
    setOutputAtCoords(b, i, j, c, previous * (1.0 - coverage) + colour[c] * coverage);
  }
}
