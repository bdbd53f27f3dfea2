// The sequence policy: token embedding → GRU → logits head (the policy π) and value head (for critics).
// Written with plain tfjs ops over named variables, so every algorithm can read the equations and checkpoints
// can serialise the weights by name.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { fusedForwardSequence, fusedForwardSequenceSupports } from '../kernels/gruSequenceModel';
import { linear } from './linear';
import { guardSequenceLogits } from './syntaxGuard';

export interface GruSize {
  vocab: number;
  embedding: number;
  hidden: number;
}

export interface GruWeights {
  embedding: tf.Variable; // [V, E]
  inputKernel: tf.Variable; // [E, 3H]   (reset | update | candidate)
  recurrentKernel: tf.Variable; // [H, 3H]
  inputBias: tf.Variable; // [3H]
  recurrentBias: tf.Variable; // [3H]
  logitsKernel: tf.Variable; // [H, V]
  logitsBias: tf.Variable; // [V]
  valueKernel: tf.Variable; // [H, 1]
  valueBias: tf.Variable; // [1]
}

export const WEIGHT_NAMES = [
  'embedding',
  'inputKernel',
  'recurrentKernel',
  'inputBias',
  'recurrentBias',
  'logitsKernel',
  'logitsBias',
  'valueKernel',
  'valueBias',
] as const satisfies readonly (keyof GruWeights)[];

export function weightShapes({ vocab: V, embedding: E, hidden: H }: GruSize): Record<keyof GruWeights, number[]> {
  return {
    embedding: [V, E],
    inputKernel: [E, 3 * H],
    recurrentKernel: [H, 3 * H],
    inputBias: [3 * H],
    recurrentBias: [3 * H],
    logitsKernel: [H, V],
    logitsBias: [V],
    valueKernel: [H, 1],
    valueBias: [1],
  };
}

export class CharGru {
  readonly size: GruSize;
  readonly weights: GruWeights;
  /**
   * Token kinds of the SMILES syntax guard (src/core/tasks/smilesSyntaxGuard.ts), or null: with a guard, the policy
   * is the masked distribution everywhere (sampling, forwardSequence's logits).
   */
  syntaxGuard: Int32Array | null = null;

  private constructor(size: GruSize, weights: GruWeights) {
    this.size = size;
    this.weights = weights;
  }

  /** Glorot-uniform matrices and zero biases, drawn from our own seeded generator (identical on every backend). */
  static init(size: GruSize, seed: number, trainable = true, prefix = 'policy'): CharGru {
    const rng = new Rng(seed).split('gru-init');
    const shapes = weightShapes(size);
    const make = (name: keyof GruWeights) => {
      const shape = shapes[name];
      const count = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      if (shape.length === 2) {
        const limit = Math.sqrt(6 / (shape[0] + shape[1]));
        for (let i = 0; i < count; i++) values[i] = (rng.float() * 2 - 1) * limit;
      }
      return tf.variable(tf.tensor(values, shape), trainable, `${prefix}/${name}/${uniqueSuffix()}`);
    };
    const weights = Object.fromEntries(WEIGHT_NAMES.map((n) => [n, make(n)])) as unknown as GruWeights;
    return new CharGru(size, weights);
  }

  /** A model holding the given values (e.g. a loaded prior or checkpoint). */
  static fromValues(size: GruSize, values: Record<string, Float32Array>, trainable: boolean, prefix: string): CharGru {
    const shapes = weightShapes(size);
    const weights = Object.fromEntries(
      WEIGHT_NAMES.map((name) => {
        const data = values[name];
        const expected = shapes[name].reduce((a, b) => a * b, 1);
        if (!data || data.length !== expected) {
          throw new Error(`Weight "${name}" has ${data?.length ?? 0} values; the model of size ${JSON.stringify(size)} needs ${expected}`);
        }
        return [name, tf.variable(tf.tensor(data, shapes[name]), trainable, `${prefix}/${name}/${uniqueSuffix()}`)];
      }),
    ) as unknown as GruWeights;
    return new CharGru(size, weights);
  }

  /** A frozen copy: the prior that the KL penalty keeps the policy close to. */
  frozenCopy(prefix = 'prior'): CharGru {
    const weights = Object.fromEntries(
      WEIGHT_NAMES.map((n) => [n, tf.variable(this.weights[n].clone(), false, `${prefix}/${n}/${uniqueSuffix()}`)]),
    ) as unknown as GruWeights;
    const copy = new CharGru(this.size, weights);
    copy.syntaxGuard = this.syntaxGuard;
    return copy;
  }

  variables(): tf.Variable[] {
    return WEIGHT_NAMES.map((n) => this.weights[n]);
  }

  async readValues(): Promise<Record<string, Float32Array>> {
    const entries = await Promise.all(WEIGHT_NAMES.map(async (n) => [n, (await this.weights[n].data()) as Float32Array] as const));
    return Object.fromEntries(entries);
  }

  assign(values: Record<string, Float32Array>): void {
    const shapes = weightShapes(this.size);
    for (const n of WEIGHT_NAMES) this.weights[n].assign(tf.tensor(values[n], shapes[n]));
  }

  /**
   * Sets V ≡ 0. A prior trained by maximum likelihood never trained its value head, and a random critic biases GAE's
   * bootstrapped advantages (with λ < 1 on long sequences it can push the policy the wrong way before the critic learns).
   */
  resetValueHead(): void {
    tf.tidy(() => {
      this.weights.valueKernel.assign(tf.zerosLike(this.weights.valueKernel));
      this.weights.valueBias.assign(tf.zerosLike(this.weights.valueBias));
    });
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }

  zeroState(batch: number): tf.Tensor2D {
    return tf.zeros([batch, this.size.hidden]);
  }

  /** Input projections x·W_x + b_x for a batch of tokens, gathered from the embedding (no gradient path). */
  projectTokens(tokens: tf.Tensor1D): tf.Tensor2D {
    const x = tf.gather(this.weights.embedding, tokens);
    return tf.add(tf.matMul(x, this.weights.inputKernel), this.weights.inputBias);
  }

  /**
   * One GRU step (Cho et al. 2014, with the reset gate applied after the recurrent matmul):
   *   r = σ(x_r + h·U_r + b_r),  z = σ(x_z + h·U_z + b_z),  n = tanh(x_n + r ⊙ (h·U_n + b_n)),  h' = (1 − z) ⊙ n + z ⊙ h
   */
  step(inputProjection: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const H = this.size.hidden;
    const recurrent = tf.add(linear(h, this.weights.recurrentKernel as tf.Tensor2D), this.weights.recurrentBias);
    const [xr, xz, xn] = tf.split(inputProjection, [H, H, H], 1);
    const [hr, hz, hn] = tf.split(recurrent, [H, H, H], 1);
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
  }

  logits(h: tf.Tensor2D): tf.Tensor2D {
    return tf.add(linear(h, this.weights.logitsKernel as tf.Tensor2D), this.weights.logitsBias);
  }

  /** The value head V(s) [B] of states [B, H]. */
  value(h: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(tf.add(linear(h, this.weights.valueKernel as tf.Tensor2D), this.weights.valueBias), [-1]) as tf.Tensor1D;
  }

  /**
   * Teacher-forced pass over whole sequences (differentiable). inputs [B, T] int32 are the tokens fed at each step
   * (end-of-sequence first, then the sample shifted right). The input projection runs once for all steps; only the
   * recurrence is a loop (on WebGPU fused kernels, src/core/kernels/gruSequenceModel.ts; `fused: false` forces the
   * loop, for comparisons). Returns logits [B, T, V] (masked by the syntax guard, if any) and values [B, T].
   * `horizon`: the most steps the sequences were sampled with, when more than T (inputs cut short after their ends):
   * the syntax guard's budget counts the steps left to it.
   */
  forwardSequence(inputs: tf.Tensor2D, opts: { fused?: boolean; horizon?: number } = {}): { logits: tf.Tensor3D; values: tf.Tensor2D } {
    const out = this.forwardUnguarded(inputs, opts);
    if (!this.syntaxGuard) return out;
    const logits = guardSequenceLogits(out.logits, inputs, this.syntaxGuard, opts.horizon ?? inputs.shape[1]);
    out.logits.dispose();
    return { logits, values: out.values };
  }

  private forwardUnguarded(inputs: tf.Tensor2D, opts: { fused?: boolean }): { logits: tf.Tensor3D; values: tf.Tensor2D } {
    const [B, T] = inputs.shape;
    const V = this.size.vocab;
    // WebGPU: the same equations with the recurrence (and its backward pass) as WGSL kernels.
    if (opts.fused !== false && fusedForwardSequenceSupports(this.size, B)) return fusedForwardSequence(this.weights, this.size, inputs);
    // Per step: a one-hot row times the table of every token's input projection (E·W_x + b_x, [V, 3H]) instead of
    // one projection of all steps cut apart afterwards: on WASM, cutting a [B, T, 3H] tensor into T steps (and
    // stacking [B, T, H] states back for one logits matmul) costs more than the whole recurrence. One-hot matmuls
    // rather than gathers, because their gradient exists on every backend; cast, because tfjs-wasm's OneHot ignores
    // its dtype argument and would hand int32 bits over as floats.
    const table = tf.add(linear(this.weights.embedding as tf.Tensor2D, this.weights.inputKernel as tf.Tensor2D), this.weights.inputBias);
    const tokensPerStep = tf.unstack(inputs, 1) as tf.Tensor1D[];
    let h = this.zeroState(B);
    const logits: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let t = 0; t < T; t++) {
      h = this.step(linear(tf.cast(tf.oneHot(tokensPerStep[t], V), 'float32') as tf.Tensor2D, table as tf.Tensor2D), h);
      logits.push(this.logits(h));
      values.push(this.value(h));
    }
    return { logits: tf.stack(logits, 1) as tf.Tensor3D, values: tf.stack(values, 1) as tf.Tensor2D };
  }
}

let counter = 0;
function uniqueSuffix(): number {
  return counter++;
}
