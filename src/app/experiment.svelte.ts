// The experiment config as the page holds it: the draft the panels edit, the last valid config in force, and the
// problems of the draft, each keyed by the dot path of its field.
import { defaultConfig, parseConfig, type ConfigError, type ExperimentConfig } from '../core/config';
import { rewardTerm, termsForTask } from '../core/rewards/registry';
import type { ParamValues } from '../core/rewards/types';
import { ALL_FIELDS, WEIGHT_BOUND } from './fields';
import { getAt, setAt } from './paths';

export type CheckResult = { ok: true; config: ExperimentConfig } | { ok: false };

function formatBound(x: number): string {
  return Math.abs(x) > 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x);
}

/** A message that names the field, for a number outside what the schema accepts. */
export function numberProblem(label: string, value: unknown, min: number, max: number, integer: boolean): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${label} must be a number`;
  if (integer && !Number.isInteger(value)) return `${label} must be a whole number`;
  if (value < min || value > max) return `${label} must be between ${formatBound(min)} and ${formatBound(max)}`;
  return null;
}

export class ExperimentState {
  /** What the panels show and edit; may be invalid. */
  draft: ExperimentConfig = $state(defaultConfig());
  /** The last config the Worker accepted: always valid, always in force. */
  applied: ExperimentConfig = $state.raw(defaultConfig());
  /** Problems of the draft, by dot path ("learningRate", "rewards.0.params.suffix"). */
  errors: Record<string, string> = $state({});

  /** Every problem with a readable field name, for the summary above the panels. */
  readonly problems = $derived(Object.entries(this.errors).map(([path, message]) => ({ path, message })));

  errorAt(path: string): string | undefined {
    return this.errors[path];
  }

  setField(path: string, value: unknown): void {
    setAt(this.draft, path, value);
  }

  field(path: string): unknown {
    return getAt(this.draft, path);
  }

  /** Checks the draft; on failure records each problem beside its field and returns ok: false. */
  check(): CheckResult {
    const draft = $state.snapshot(this.draft) as ExperimentConfig;
    const errors: Record<string, string> = {};
    for (const spec of ALL_FIELDS) {
      if (spec.kind !== 'number' || (spec.when && !spec.when(draft))) continue;
      const problem = numberProblem(spec.label, getAt(draft, spec.path), spec.min, spec.max, spec.integer);
      if (problem) errors[spec.path] = problem;
    }
    draft.rewards.forEach((r, i) => {
      const label = rewardTerm(r.id)?.label ?? r.id;
      const problem = numberProblem(`Weight of ${label}`, r.weight, WEIGHT_BOUND.min, WEIGHT_BOUND.max, false);
      if (problem) errors[`rewards.${i}.weight`] = problem;
    });
    const parsed = parseConfig(draft);
    if (!parsed.ok) for (const e of parsed.errors) errors[e.path] ??= this.describe(e);
    this.errors = errors;
    return parsed.ok && Object.keys(errors).length === 0 ? { ok: true, config: parsed.config } : { ok: false };
  }

  /** Checks one reward weight alone (a weight goes live even while another field is being fixed). */
  checkWeight(index: number): boolean {
    const reward = this.draft.rewards[index];
    const path = `rewards.${index}.weight`;
    const label = rewardTerm(reward.id)?.label ?? reward.id;
    const problem = numberProblem(`Weight of ${label}`, reward.weight, WEIGHT_BOUND.min, WEIGHT_BOUND.max, false);
    const { [path]: _previous, ...others } = this.errors;
    this.errors = problem ? { ...others, [path]: problem } : others;
    return problem === null;
  }

  /** Replaces the draft with a whole config (from a link, a preset or a checkpoint); the caller applies it. */
  load(config: ExperimentConfig): void {
    this.draft = structuredClone(config);
    this.errors = {};
  }

  /** The Worker accepted `config`: it is now in force. */
  accept(config: ExperimentConfig): void {
    this.applied = config;
  }

  /** The Worker refused the draft: show why, keep the applied config. */
  refuse(errors: readonly ConfigError[]): void {
    this.errors = Object.fromEntries(errors.map((e) => [e.path, this.describe(e)]));
  }

  /** A weight change goes live without a full configure; the applied config follows it. */
  acceptWeight(id: string, weight: number): void {
    this.applied = { ...this.applied, rewards: this.applied.rewards.map((r) => (r.id === id ? { ...r, weight } : r)) };
  }

  /** Reward terms of the task that are not in the draft yet. */
  get addableTerms() {
    const used = new Set(this.draft.rewards.map((r) => r.id));
    return termsForTask(this.draft.task).filter((t) => !used.has(t.id));
  }

  addTerm(id: string): void {
    const term = rewardTerm(id);
    if (!term) return;
    const params: ParamValues = Object.fromEntries(term.params.map((p) => [p.key, p.default]));
    this.draft.rewards.push({ id, weight: term.defaultWeight, params });
  }

  removeTerm(index: number): void {
    this.draft.rewards.splice(index, 1);
    this.errors = {};
  }

  /**
   * A new task starts from that task's defaults (its reward terms, sample length, the model size of its shipped prior,
   * its algorithm settings), keeping only the seed: settings tuned for another task would mislead more than help.
   */
  setTask(task: ExperimentConfig['task']): void {
    const parsed = parseConfig({ task, seed: this.draft.seed });
    this.draft = parsed.ok ? parsed.config : { ...defaultConfig(), task };
    this.errors = {};
  }

  private describe(e: ConfigError): string {
    const label = labelOf(e.path);
    return label && !e.message.includes(label) ? `${label}: ${e.message}` : e.message;
  }
}

/** A readable name for a config path, for messages. */
export function labelOf(path: string): string {
  const spec = ALL_FIELDS.find((f) => f.path === path);
  if (spec) return spec.label;
  const reward = /^rewards\.(\d+)\.(weight|id|params\.(.+))$/.exec(path);
  if (!reward) return path;
  return `Reward term ${Number(reward[1]) + 1} ${reward[3] ?? reward[2]}`;
}

