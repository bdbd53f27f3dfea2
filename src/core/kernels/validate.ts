// Argument checks shared by the WebGPU and CPU paths, so bad input fails the same clear way on every backend,
// before anything reaches the GPU.

/** Largest vocabulary the sampler supports: the WGSL kernel keeps a row in workgroup memory (2 x 4 KiB). */
export const MAX_VOCAB = 1024;
/** Rows are workgroups, one dispatch dimension. */
export const MAX_ROWS = 65535;

export interface SampleArgs {
  temperature: number;
  topP?: number;
  topK?: number;
  seed: number;
  counter: number;
}

function fail(what: string, message: string): never {
  throw new Error(`${what}: ${message}`);
}

function assertU32(what: string, name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) fail(what, `${name} must be an integer in [0, 2^32), got ${x}`);
}

export function assertSampleArgs(logitsShape: readonly number[], maskShape: readonly number[] | null, opts: SampleArgs): void {
  const what = 'sampleCategorical';
  if (logitsShape.length !== 2) fail(what, `logits must be 2-D [rows, vocab], got shape [${logitsShape}]`);
  const [rows, vocab] = logitsShape;
  if (rows < 1 || vocab < 1) fail(what, `logits must have at least one row and one column, got shape [${logitsShape}]`);
  if (vocab > MAX_VOCAB) fail(what, `vocabulary size ${vocab} exceeds the supported maximum of ${MAX_VOCAB}`);
  if (rows > MAX_ROWS) fail(what, `${rows} rows exceed the supported maximum of ${MAX_ROWS}`);
  if (!Number.isFinite(opts.temperature) || opts.temperature < 0) fail(what, `temperature must be a finite number >= 0, got ${opts.temperature}`);
  const topP = opts.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) fail(what, `topP must be in (0, 1], got ${opts.topP}`);
  const topK = opts.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0) fail(what, `topK must be an integer >= 0 (0 = off), got ${opts.topK}`);
  assertU32(what, 'seed', opts.seed);
  assertU32(what, 'counter', opts.counter);
  if (maskShape !== null) {
    const perRow = maskShape.length === 2 && maskShape[0] === rows && maskShape[1] === vocab;
    const shared = (maskShape.length === 1 && maskShape[0] === vocab) || (maskShape.length === 2 && maskShape[0] === 1 && maskShape[1] === vocab);
    if (!perRow && !shared) fail(what, `mask must have shape [${rows}, ${vocab}] or [${vocab}], got [${maskShape}]`);
  }
}

export interface AdvantageArgs {
  gamma: number;
  lambda: number;
  normalize: boolean;
}

export function assertAdvantageArgs(
  rewardsShape: readonly number[],
  valuesShape: readonly number[],
  maskShape: readonly number[],
  opts: AdvantageArgs,
): void {
  const what = 'computeAdvantages';
  if (rewardsShape.length !== 2) fail(what, `rewards must be 2-D [B, T], got shape [${rewardsShape}]`);
  const [batch, steps] = rewardsShape;
  if (batch < 1 || steps < 1) fail(what, `rewards must be non-empty, got shape [${rewardsShape}]`);
  if (valuesShape.length !== 2 || valuesShape[0] !== batch || valuesShape[1] !== steps + 1) {
    fail(what, `values must have shape [${batch}, ${steps + 1}] (one bootstrap value per row), got [${valuesShape}]`);
  }
  if (maskShape.length !== 2 || maskShape[0] !== batch || maskShape[1] !== steps) {
    fail(what, `mask must have shape [${batch}, ${steps}] like rewards, got [${maskShape}]`);
  }
  if (!Number.isFinite(opts.gamma) || opts.gamma < 0 || opts.gamma > 1) fail(what, `gamma must be in [0, 1], got ${opts.gamma}`);
  if (!Number.isFinite(opts.lambda) || opts.lambda < 0 || opts.lambda > 1) fail(what, `lambda must be in [0, 1], got ${opts.lambda}`);
  if (typeof opts.normalize !== 'boolean') fail(what, `normalize must be a boolean, got ${String(opts.normalize)}`);
}
