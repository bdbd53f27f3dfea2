// A training session: owns the trainer, the run loop (train / pause / step / reset) and the event stream.
// The Worker exposes it through Comlink; browser tests drive it directly.
import { chooseBackend, type BackendInfo } from './backend';
import { formatErrors, parseConfig, type ExperimentConfig } from './config';
import { CharGru } from './models/charGru';
import { pretrainMle } from './pretrain';
import { fetchPrior, priorStem } from './priors';
import type { ConfigureResult, EventListener, InitOptions, RunState, WorkerEvent } from './protocol';
import { sequenceTask, type SequenceTask } from './tasks/sequenceTasks';
import { SequenceTrainer, TrainingFault } from './trainer';

/** At most this many event messages per second reach the page. */
const FLUSH_INTERVAL_MS = 100;

export class TrainingSession {
  private listener: EventListener = () => {};
  private options: InitOptions = { baseUrl: 'http://localhost/' };
  private config: ExperimentConfig | null = null;
  private trainer: SequenceTrainer | null = null;
  private building: Promise<void> | null = null;
  private state: RunState = 'starting';
  private loop: Promise<void> | null = null;
  private stopRequested = false;
  private queue: WorkerEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Priors by file stem, so a reset or a reconfigure does not fetch or pretrain again. */
  private readonly priors = new Map<string, Record<string, Float32Array>>();
  backend: BackendInfo | null = null;

  async init(listener: EventListener, options: InitOptions): Promise<BackendInfo> {
    this.listener = listener;
    this.options = options;
    this.backend = await chooseBackend(options.firstBackend);
    return this.backend;
  }

  get runState(): RunState {
    return this.state;
  }

  get currentTrainer(): SequenceTrainer | null {
    return this.trainer;
  }

  async configure(input: unknown): Promise<ConfigureResult> {
    const parsed = parseConfig(input);
    if (!parsed.ok) return parsed;
    const next = parsed.config;
    const previous = this.config;
    this.config = next;
    const structural = !previous || previous.task !== next.task || previous.seed !== next.seed || JSON.stringify(previous.model) !== JSON.stringify(next.model);
    if (!structural && this.trainer) {
      this.trainer.applyLiveConfig(next);
      return { ok: true, restarted: false };
    }
    await this.rebuild();
    return { ok: true, restarted: true };
  }

  async start(): Promise<void> {
    await this.ready();
    if (this.loop) return;
    this.stopRequested = false;
    this.setState('training', 'Training');
    this.loop = this.runLoop(Infinity).finally(() => (this.loop = null));
  }

  async pause(): Promise<void> {
    this.stopRequested = true;
    await this.loop;
    if (this.state === 'training') this.setState('paused', `Paused after update ${this.trainer?.updates ?? 0}`);
    this.flush();
  }

  async step(n = 1): Promise<void> {
    await this.ready();
    if (this.loop) await this.pause();
    this.stopRequested = false;
    this.setState('training', `Stepping ${n} update${n === 1 ? '' : 's'}`);
    this.loop = this.runLoop(n).finally(() => (this.loop = null));
    await this.loop;
    if (this.state === 'training') this.setState('paused', `Paused after update ${this.trainer?.updates ?? 0}`);
    this.flush();
  }

  async reset(): Promise<void> {
    await this.pause();
    await this.rebuild();
  }

  async setRewardWeights(weights: Record<string, number>): Promise<void> {
    await this.ready();
    this.trainer!.setRewardWeights(weights);
    this.config = this.trainer!.currentConfig;
  }

  dispose(): void {
    this.stopRequested = true;
    this.trainer?.dispose();
    this.trainer = null;
  }

  private async ready(): Promise<void> {
    if (!this.config) {
      const result = await this.configure({});
      if (!result.ok) throw new Error(formatErrors(result.errors));
    }
    await this.building;
    if (!this.trainer) throw new Error('The run could not be built; see the error above');
  }

  private async runLoop(maxUpdates: number): Promise<void> {
    for (let done = 0; done < maxUpdates && !this.stopRequested; done++) {
      try {
        const { metrics, samples } = await this.trainer!.update();
        this.emit({ type: 'metrics', metrics: [metrics] });
        this.replaceSamples({ type: 'samples', update: metrics.update, samples });
      } catch (err) {
        const fault = err instanceof TrainingFault ? err : null;
        const message = err instanceof Error ? err.message : String(err);
        this.emit({ type: 'error', message, hint: fault?.hint ?? 'Reset the run; if it happens again, reload the page.' });
        this.setState('faulted', fault ? 'Paused: the last update was rejected' : 'Stopped by an error');
        return;
      }
      // Let pause/step/config messages in between updates.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  private rebuild(): Promise<void> {
    const build = async () => {
      const config = this.config!;
      this.trainer?.dispose();
      this.trainer = null;
      const task = sequenceTask(config.task);
      const size = { vocab: task.tokenizer.vocab.length, ...config.model };
      const priorValues = await this.obtainPrior(task, size);
      const prior = CharGru.fromValues(size, priorValues, false, 'prior');
      const policy = CharGru.fromValues(size, priorValues, true, 'policy');
      this.trainer = new SequenceTrainer(config, task, policy, prior);
      this.setState('ready', `Ready: ${task.label} prior loaded (${priorStem(task.id, size)})`);
    };
    this.building = build().catch((err) => {
      this.emit({ type: 'error', message: `Could not prepare the run: ${err instanceof Error ? err.message : String(err)}`, hint: 'Check the model settings, or reload the page.' });
      this.setState('faulted', 'Could not prepare the run');
    });
    return this.building;
  }

  /** The shipped prior for this size if there is one, else a prior pretrained here (and kept for this session). */
  private async obtainPrior(task: SequenceTask, size: { vocab: number; embedding: number; hidden: number }): Promise<Record<string, Float32Array>> {
    const stem = priorStem(task.id, size);
    const cached = this.priors.get(stem);
    if (cached) return cached;
    this.setState('loading-prior', `Loading the ${task.label} prior`);
    const shipped = await fetchPrior(this.options.baseUrl, stem);
    if (shipped) {
      this.priors.set(stem, shipped.values);
      return shipped.values;
    }
    const recipe = task.pretrain;
    const model = CharGru.init(size, this.config!.seed, true, 'pretrain');
    try {
      this.setState('pretraining', `No shipped prior for this size: pretraining one on ${task.corpus().length} examples`, 0);
      for await (const p of pretrainMle(model, task.corpus(), task.tokenizer, { ...recipe, seed: this.config!.seed, reportEvery: 50 })) {
        this.setState('pretraining', `Pretraining the prior: step ${p.step}/${recipe.steps}, loss ${p.loss.toFixed(3)}`, p.step / recipe.steps);
        this.flush();
      }
      const values = await model.readValues();
      this.priors.set(stem, values);
      return values;
    } finally {
      model.dispose();
    }
  }

  private setState(state: RunState, message: string, progress?: number): void {
    this.state = state;
    this.emit({ type: 'status', state, message, progress });
  }

  private emit(event: WorkerEvent): void {
    this.queue.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Only the latest samples matter: replace queued ones instead of piling them up. */
  private replaceSamples(event: WorkerEvent & { type: 'samples' }): void {
    this.queue = this.queue.filter((e) => e.type !== 'samples');
    this.emit(event);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.queue.length) return;
    const events = mergeMetrics(this.queue);
    this.queue = [];
    this.listener(events);
  }
}

/** Folds consecutive metrics events into one message. */
function mergeMetrics(events: WorkerEvent[]): WorkerEvent[] {
  const out: WorkerEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'metrics' && last?.type === 'metrics') last.metrics.push(...e.metrics);
    else out.push(e.type === 'metrics' ? { type: 'metrics', metrics: [...e.metrics] } : e);
  }
  return out;
}
