// Adam (Kingma & Ba 2015) as the trainers use it, one fused step per variable (src/core/kernels/adam.ts) with the
// global-norm clipping scale folded in. It keeps tfjs's Adam contract where the rest of the code relies on it:
// moments are matched to variables by their position in the gradient list, the learning rate is read on every step
// (so changing it keeps the moments), and getWeights/setWeights use tfjs's slot layout ("iter", then every
// "<variable>/m", then every "<variable>/v"), so checkpoints saved with tfjs's Adam still load.
import * as tf from '@tensorflow/tfjs';
import { adamStep } from '../kernels/adam';

/** tfjs's defaults (its ε is the float32 backends' epsilon), so runs train as they did with tf.train.adam. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

type NamedTensor = { name: string; tensor: tf.Tensor };

interface Slot {
  variableName: string;
  /** [2N]: m then v. */
  moments: tf.Tensor1D;
}

export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'RewardLabFusedAdam';
  }

  private slots: Slot[] = [];
  private steps = 0;

  constructor(public learningRate: number) {
    super();
  }

  override get iterations(): number {
    return this.steps;
  }

  /** One step for every (variable, gradient) pair; `scale` multiplies every gradient (global-norm clipping). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[], scale?: tf.Tensor): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const hyper = { learningRate: this.learningRate, beta1: BETA1, beta2: BETA2, epsilon: EPSILON, step: this.steps + 1 };
    const one = scale ? null : tf.scalar(1);
    list.forEach(({ name, tensor: grad }, i) => {
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`Adam: no variable named "${name}"`);
      const slot = (this.slots[i] ??= { variableName: name, moments: tf.keep(tf.zeros([2 * variable.size])) as tf.Tensor1D });
      if (slot.moments.size !== 2 * variable.size) throw new Error(`Adam: the saved moments of slot ${i} (${slot.moments.size / 2} values) do not fit variable "${name}" (${variable.size})`);
      if (grad == null) return; // a variable the loss does not reach (as tfjs's Adam: its slot exists, it does not move)
      const next = adamStep(variable, grad, slot.moments, scale ?? one!, hyper);
      variable.assign(next.param);
      next.param.dispose();
      slot.moments.dispose();
      slot.moments = tf.keep(next.moments);
      slot.variableName = name;
    });
    one?.dispose();
    this.steps++;
  }

  /** tfjs's slot layout. Every tensor returned is new: the caller disposes them. */
  override async getWeights(): Promise<NamedTensor[]> {
    return tf.tidy(() => {
      const shapeOf = (s: Slot) => tf.engine().registeredVariables[s.variableName]?.shape ?? [s.moments.size / 2];
      const halves = this.slots.map((s) => tf.split(s.moments, 2).map((half) => tf.reshape(half, shapeOf(s))));
      const out: NamedTensor[] = [
        { name: 'iter', tensor: tf.scalar(this.steps, 'int32') },
        ...this.slots.map((s, i) => ({ name: `${s.variableName}/m`, tensor: halves[i][0] })),
        ...this.slots.map((s, i) => ({ name: `${s.variableName}/v`, tensor: halves[i][1] })),
      ];
      for (const w of out) tf.keep(w.tensor);
      return out;
    });
  }

  /** Restores tfjs's slot layout (as getWeights writes it, or tfjs's Adam did); the given tensors are disposed. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [iter, ...moments] = weightValues;
    if (iter?.name !== 'iter' || moments.length % 2 !== 0) throw new Error('Adam: saved slots must be "iter" followed by m and v for each variable');
    const count = moments.length / 2;
    for (let i = 0; i < count; i++) {
      if (moments[i].tensor.size !== moments[count + i].tensor.size) throw new Error(`Adam: the saved m and v of slot ${i} differ in size`);
    }
    const steps = (await iter.tensor.data())[0];
    const restored = tf.tidy(() =>
      moments.slice(0, count).map((m, i) => ({
        variableName: m.name.replace(/\/m$/, ''),
        moments: tf.keep(tf.concat([tf.reshape(m.tensor, [-1]), tf.reshape(moments[count + i].tensor, [-1])])) as tf.Tensor1D,
      })),
    );
    for (const s of this.slots) s.moments.dispose();
    this.slots = restored;
    this.steps = steps;
    tf.dispose(weightValues.map((w) => w.tensor));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: BETA1, beta2: BETA2, epsilon: EPSILON };
  }

  override dispose(): void {
    for (const s of this.slots) s.moments.dispose();
    this.slots = [];
  }
}
