// A training session: owns the trainer, the run loop (train / pause / step / reset) and the event stream.
// The Worker exposes it through Comlink; browser tests drive it directly.
import { chooseBackend, memoryStats, watchDeviceLoss, type BackendInfo } from './backend';
import { openCheckpointStorage, type CheckpointStorage } from './checkpoints';
import { CheckpointError, type CheckpointMeta, type NewCheckpoint } from './checkpoints/types';
import { formatErrors, parseConfig, type ExperimentConfig } from './config';
import { CharGru } from './models/charGru';
import { pretrainMle } from './pretrain';
import { fetchPrior, priorStem } from './priors';
import { rewardProblems } from './rewards/registry';
import { trainPriorOnUpload, type UploadMode, type UploadOutcome } from './tasks/uploadedPrior';
import type { CorpusPreview } from './tasks/textData';
import type { PreferenceLearner } from './learned/learner';
import type { ConfigureResult, EventListener, InitOptions, PairAnswer, PairView, PreferenceResult, PreferenceSummary, RunState, StorageResult, UpdateMetrics, WorkerEvent } from './protocol';
import {
  AUTOSAVE_EVERY,
  MAX_HISTORY,
  autosaveId,
  expectedWeightShapes,
  newRunId,
  readMetricsHistory,
  runIdOfAutosave,
  storageResult,
} from './runCheckpoints';
import { priorKey, SessionOwnData, type PriorCache } from './sessionOwnData';
import { sequenceTask, syntaxGuardFor, type SequenceTask } from './tasks/sequenceTasks';
import { SequenceTrainer } from './trainer';
import { startsNewRun } from './training/liveConfig';
import { PaintTrainer } from './training/paintTrainer';
import { TrainingFault, type Trainer } from './training/types';

/** At most this many event messages per second reach the page. */
const FLUSH_INTERVAL_MS = 100;
/** The highest speed cap a user can set, in updates per second. */
const MAX_SPEED_CAP = 100;

export class TrainingSession {
  private listener: EventListener = () => {};
  private options: InitOptions = { baseUrl: 'http://localhost/' };
  private config: ExperimentConfig | null = null;
  private trainer: Trainer | null = null;
  private building: Promise<void> | null = null;
  private state: RunState = 'starting';
  private loop: Promise<void> | null = null;
  private stopRequested = false;
  private queue: WorkerEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Priors by key (file stem, "+own" for one trained on the user's data), so a reset or a reconfigure does not fetch or pretrain again. */
  private readonly priors: PriorCache = new Map();
  /** The user's own text or molecules, when the run trains on them. */
  private readonly ownData = new SessionOwnData(this.priors);
  /** Updates and state reads take turns: a checkpoint never mixes the weights of one update with the moments of the next. */
  private lock: Promise<unknown> = Promise.resolve();
  /** The current run: a new id each time the run is built from the prior. Autosaves go to `auto-<runId>`. */
  private runId = newRunId();
  /** Metrics of every update of the current run (plain records), so checkpoints can carry them. */
  private history: UpdateMetrics[] = [];
  private lastSavedUpdate = 0;
  /** The speed cap as the shortest time from one update's start to the next's (0: no cap). */
  private minUpdateIntervalMs = 0;
  private autosaving: Promise<void> | null = null;
  private storageHandle: CheckpointStorage | null = null;
  /** The sequence task the current run was built with (Words and Free text carry their loaded corpus). */
  private task: SequenceTask | null = null;
  backend: BackendInfo | null = null;

  /** `openStorage` opens the checkpoint store on first use (tests pass their own). */
  constructor(private readonly openStorage: () => CheckpointStorage = () => openCheckpointStorage()) {}

  private get storage(): CheckpointStorage {
    return (this.storageHandle ??= this.openStorage());
  }

  async init(listener: EventListener, options: InitOptions): Promise<BackendInfo> {
    this.listener = listener;
    this.options = options;
    this.backend = await chooseBackend(options.firstBackend);
    watchDeviceLoss((message) => this.deviceLost(message));
    return this.backend;
  }

  /** Every tensor lived on the lost device: stop, say so, and let the page restart the Worker (a fresh device). */
  private deviceLost(message: string): void {
    this.stopRequested = true;
    this.emit({ type: 'error', message: `The GPU device was lost (${message}).`, hint: 'RewardLab restarts the training Worker on a fresh device and resumes from the last autosave.' });
    this.emit({ type: 'device-lost', message });
    this.setState('faulted', 'Stopped: the GPU device was lost');
    this.flush();
  }

  get runState(): RunState {
    return this.state;
  }

  get currentTrainer(): Trainer | null {
    return this.trainer;
  }

  async configure(input: unknown): Promise<ConfigureResult> {
    const parsed = parseConfig(input);
    if (!parsed.ok) return parsed;
    const next = parsed.config;
    // Settings only RDKit can check (a query SMILES, a SMARTS) are refused here like schema errors, so the page shows
    // them beside their fields and the previous settings stay in force; the first config falls back to the defaults.
    const problems = await rewardProblems(next);
    if (problems.length) {
      if (!this.config) await this.configure({});
      return { ok: false, errors: problems };
    }
    const previous = this.config;
    this.config = next;
    if (previous && !startsNewRun(previous, next) && this.trainer) {
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

  /** Stops after the current update; if a loop was running, autosaves the run. */
  async pause(): Promise<void> {
    const wasRunning = this.loop !== null;
    this.stopRequested = true;
    await this.loop;
    if (this.state === 'training') this.setState('paused', `Paused after update ${this.trainer?.updates ?? 0}`);
    this.flush();
    if (wasRunning) await this.autosave();
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

  /**
   * Trains a molecules prior on the user's .smi/.csv file (fine-tuning the current prior, or from scratch), then starts
   * a new run from it; the current run is paused and autosaved first. The prior is kept for this session.
   */
  async trainPriorOnUpload(file: Blob, fileName: string, mode: UploadMode): Promise<UploadOutcome> {
    // No run yet is fine here: a model size with no shipped prior cannot be built until the upload gives it one.
    await this.ready().catch(() => undefined);
    if (!this.config) return { ok: false, message: 'The settings could not be applied; nothing was changed.' };
    await this.pause();
    const config = this.config!;
    const task = this.task ?? sequenceTask(config.task);
    const size = { vocab: task.tokenizer.vocab.length, ...config.model };
    if (config.task === 'text' && config.text.source !== 'own') {
      return { ok: false, message: 'Choose "Your own text" as the data first; the run then trains on it. Nothing was changed.' };
    }
    const work = (async (): Promise<UploadOutcome> => {
      try {
        const { outcome, values, text, molecules } = await trainPriorOnUpload(file, fileName, mode, {
          task,
          size,
          seed: config.seed,
          currentPrior: () => this.obtainPrior(task, size),
          report: (message, progress) => {
            this.setState('pretraining', message, progress);
            this.flush();
          },
        });
        if (!values) {
          this.setState('paused', 'The upload was not used; the run is unchanged');
          return outcome;
        }
        await this.ownData.adoptUpload({ text, molecules }, mode, task, size, values);
        await this.rebuild();
        return outcome;
      } catch (err) {
        this.setState('paused', 'Training on the upload failed; the run is unchanged');
        return { ok: false, message: `Training on ${fileName} failed: ${err instanceof Error ? err.message : String(err)}. The run is unchanged.` };
      }
    })();
    // Train and Step wait for it (they await `building`).
    this.building = work.then(() => undefined);
    return work;
  }

  /** Size and a few examples of the current task's corpus (Names, Words, Free text), for the Task panel; else null. */
  async corpusPreview(): Promise<CorpusPreview | null> {
    await this.ready();
    return this.task?.preview?.() ?? null;
  }

  async setRewardWeights(weights: Record<string, number>): Promise<void> {
    await this.ready();
    this.trainer!.setRewardWeights(weights);
    this.config = this.trainer!.currentConfig;
  }

  // ---- Checkpoints ---------------------------------------------------------------------------------------------

  saveCheckpoint(name = ''): Promise<StorageResult<CheckpointMeta>> {
    return storageResult(async () => this.storage.saveCheckpoint(await this.snapshot(name)));
  }

  listCheckpoints(): Promise<StorageResult<CheckpointMeta[]>> {
    return storageResult(() => this.storage.listCheckpoints());
  }

  renameCheckpoint(id: string, name: string): Promise<StorageResult<CheckpointMeta>> {
    return storageResult(() => this.storage.renameCheckpoint(id, name));
  }

  deleteCheckpoint(id: string): Promise<StorageResult<null>> {
    return storageResult(async () => {
      await this.storage.deleteCheckpoint(id);
      return null;
    });
  }

  exportCheckpoint(id: string): Promise<StorageResult<Blob>> {
    return storageResult(() => this.storage.exportCheckpoint(id));
  }

  importCheckpoint(file: Blob): Promise<StorageResult<CheckpointMeta>> {
    return storageResult(() => this.storage.importCheckpoint(file, expectedWeightShapes));
  }

  // ---- Preferences (RLHF) --------------------------------------------------------------------------------------

  offerPairs(n: number): Promise<PreferenceResult<PairView[]>> {
    return preferenceResult(async () => {
      const learned = await this.learnedRewards();
      return this.exclusive(() => learned.offerPairs(n));
    });
  }

  labelPair(id: string, answer: PairAnswer): Promise<PreferenceResult<PreferenceSummary>> {
    return preferenceResult(async () => {
      const learned = await this.learnedRewards();
      // Between updates, so the fit never interleaves with a training step's use of the reward model.
      return this.exclusive(() => learned.label(id, answer, this.trainer?.updates ?? 0));
    });
  }

  preferenceSummary(): Promise<PreferenceResult<PreferenceSummary>> {
    return preferenceResult(async () => (await this.learnedRewards()).summary());
  }

  private async learnedRewards(): Promise<PreferenceLearner> {
    await this.ready();
    const learned = this.trainer?.learned;
    if (!learned) throw new Error('There is no run to compare samples from: the run could not be built (see the message above); fix its settings or press Reset.');
    return learned;
  }

  /** Load → rebuild with its config → restore weights, optimiser, baseline and update count → re-send the metrics. */
  resumeCheckpoint(id: string): Promise<StorageResult<CheckpointMeta>> {
    return storageResult(async () => {
      const cp = await this.storage.loadCheckpoint(id);
      const shapes = expectedWeightShapes(cp.config);
      for (const [name, shape] of Object.entries(shapes)) {
        const t = cp.weights.find((w) => w.name === name);
        if (!t || t.shape.join('x') !== shape.join('x')) {
          throw new CheckpointError('incompatible', `Checkpoint "${cp.name}" does not fit its own model size (tensor ${name}); it cannot be resumed.`);
        }
      }
      const meta = (await this.storage.listCheckpoints()).find((m) => m.id === id);
      await this.pause();
      await this.building;
      const own = await this.ownData.restore(cp);
      this.config = cp.config;
      await this.rebuild(runIdOfAutosave(id) ?? undefined, own.use);
      const trainer = this.trainer;
      if (!trainer) throw new CheckpointError('storage', 'The run could not be rebuilt for this checkpoint; see the error above.');
      await this.exclusive(() =>
        trainer.importState({ updates: cp.update, weights: cp.weights, optimizer: cp.optimizer, rng: cp.rng, molecules: cp.molecules, preferences: cp.preferences, learnedModels: cp.learnedModels }),
      );
      const learnedNote = [own.note, cp.learnedProblem, trainer.learnedRestoreNote].filter(Boolean).join('; ');
      this.history = readMetricsHistory(cp.metrics);
      this.lastSavedUpdate = runIdOfAutosave(id) ? cp.update : 0;
      this.emit({ type: 'restored', checkpointId: id, runId: this.runId, config: cp.config, update: cp.update, metrics: this.history.slice() });
      this.setState('paused', `Resumed "${cp.name}" at update ${cp.update}${learnedNote ? `. Note: ${learnedNote}.` : ''}`);
      this.flush();
      return meta ?? { id, name: cp.name, task: cp.config.task, update: cp.update, meanReward: cp.meanReward, createdAt: cp.createdAt, sizeBytes: 0 };
    });
  }

  /** The run's full state, read between updates (async reads: training waits only for the readback). */
  private async snapshot(name: string): Promise<NewCheckpoint> {
    await this.ready();
    return this.exclusive(async () => {
      const trainer = this.trainer;
      if (!trainer) throw new CheckpointError('missing', 'There is no run to save yet.');
      const state = await trainer.exportState();
      const metrics = this.history.slice();
      const ownData = this.ownData.sectionOf(this.task, trainer.currentConfig);
      return {
        name,
        config: trainer.currentConfig,
        update: state.updates,
        weights: state.weights,
        optimizer: state.optimizer,
        rng: state.rng,
        ...(state.molecules ? { molecules: state.molecules } : {}),
        ...(state.preferences?.length ? { preferences: state.preferences } : {}),
        ...(state.learnedModels?.length ? { learnedModels: state.learnedModels } : {}),
        ...(ownData ? { ownData } : {}),
        metrics,
        meanReward: metrics[metrics.length - 1]?.rewardMean ?? null,
      };
    });
  }

  /** Saves the run under its autosave id, replacing its previous autosave. Failures become a 'storage' event. */
  private async autosave(): Promise<void> {
    while (this.autosaving) await this.autosaving;
    const trainer = this.trainer;
    if (!trainer || trainer.updates === 0 || trainer.updates === this.lastSavedUpdate) return;
    const runId = this.runId;
    this.autosaving = (async () => {
      let cp: NewCheckpoint;
      try {
        cp = await this.snapshot(`Autosave of run ${runId.slice(0, 6)}`);
      } catch {
        return; // the run went away (reset, rebuild) while waiting: nothing to save
      }
      if (runId !== this.runId) return;
      const result = await storageResult(() => this.storage.saveCheckpoint(cp, { id: autosaveId(runId) }));
      if (result.ok) {
        this.lastSavedUpdate = cp.update;
        this.emit({ type: 'storage', ok: true, meta: result.value, auto: true });
      } else {
        this.emit({ type: 'storage', ok: false, kind: result.kind, message: result.message, auto: true });
      }
    })().finally(() => (this.autosaving = null));
    await this.autosaving;
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.lock.then(run);
    this.lock = result.catch(() => undefined);
    return result;
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

  /** Slow motion: at most `updatesPerSecond` while training; null removes the cap. */
  setSpeedCap(updatesPerSecond: number | null): void {
    if (updatesPerSecond !== null && !(Number.isFinite(updatesPerSecond) && updatesPerSecond > 0 && updatesPerSecond <= MAX_SPEED_CAP)) {
      throw new Error(`The speed cap must be between 0 and ${MAX_SPEED_CAP} updates per second, or none`);
    }
    this.minUpdateIntervalMs = updatesPerSecond === null ? 0 : 1000 / updatesPerSecond;
  }

  /** Waits out the rest of an update's time slot under the speed cap, in short slices so Pause stays prompt. */
  private async holdSpeed(startedAt: number): Promise<void> {
    while (!this.stopRequested) {
      const left = this.minUpdateIntervalMs - (performance.now() - startedAt);
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 100)));
    }
  }

  private async runLoop(maxUpdates: number): Promise<void> {
    for (let done = 0; done < maxUpdates && !this.stopRequested; done++) {
      const startedAt = performance.now();
      try {
        const trainer = this.trainer!;
        const { metrics, samples } = await this.exclusive(async () => {
          const result = await trainer.update();
          result.metrics.memory = memoryStats();
          this.history.push(result.metrics);
          if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
          return result;
        });
        if (metrics.update % AUTOSAVE_EVERY === 0) void this.autosave();
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
      if (done + 1 < maxUpdates) await this.holdSpeed(startedAt);
    }
  }

  /**
   * Builds a fresh run from the prior: a new run id (or the given one, when resuming), an empty metrics history.
   * `useOwnData` false builds it on the built-in data even if this tab has the user's (a resumed run whose copy was damaged).
   */
  private rebuild(runId?: string, useOwnData = true): Promise<void> {
    const build = async () => {
      const config = this.config!;
      // A person's labels outlive the policy: a reset (or a new seed or model size) on the same task keeps them, and the
      // new run's reward model is refitted on them. A resumed checkpoint brings its own.
      const previous = this.trainer;
      // Paintings were judged against a target: the painter keeps them only while its painter settings stay the same.
      const sameTask = previous?.currentConfig.task === config.task && (config.task !== 'paint' || JSON.stringify(previous.currentConfig.paint) === JSON.stringify(config.paint));
      const keptLabels = !runId && sameTask ? (previous?.learned?.preferences.all() ?? []) : [];
      await this.exclusive(async () => {
        this.trainer?.dispose();
        this.trainer = null;
      });
      this.runId = runId ?? newRunId();
      this.history = [];
      this.lastSavedUpdate = 0;
      this.emit({ type: 'run', runId: this.runId });
      if (config.task === 'paint') {
        // No pretrained prior to load: the painter starts from its seeded initial policy, which is also its KL reference.
        this.task = null;
        const painter = new PaintTrainer(config);
        if (keptLabels.length) painter.learned.loadPreferences(keptLabels);
        this.trainer = painter;
        this.setState('ready', 'Ready: the painter starts from random weights (its initial policy is the prior)');
        return;
      }
      const task = await this.taskFor(config, useOwnData);
      this.task = task;
      const size = { vocab: task.tokenizer.vocab.length, ...config.model };
      const priorValues = await this.obtainPrior(task, size);
      const prior = CharGru.fromValues(size, priorValues, false, 'prior');
      const policy = CharGru.fromValues(size, priorValues, true, 'policy');
      // Both masked alike, so the KL to the prior compares two distributions over the same allowed tokens.
      const guard = syntaxGuardFor(config, task);
      prior.syntaxGuard = guard;
      policy.syntaxGuard = guard;
      const trainer = new SequenceTrainer(config, task, policy, prior);
      const ownNovelty = this.ownData.noveltyFor(task);
      if (ownNovelty) trainer.setNoveltySet(ownNovelty);
      if (keptLabels.length) trainer.learned.loadPreferences(keptLabels);
      this.trainer = trainer;
      const waiting = this.ownData.waitingForText(config, task);
      this.setState('ready', waiting ? 'Ready: no text of your own yet in this run (links never carry it; saved checkpoints do); until you paste or upload one, the run uses Moby-Dick' : `Ready: ${task.label} prior loaded (${priorKey(task, size)})`);
    };
    this.building = build().catch((err) => {
      this.emit({ type: 'error', message: `Could not prepare the run: ${err instanceof Error ? err.message : String(err)}`, hint: 'Check the model settings, or reload the page.' });
      this.setState('faulted', 'Could not prepare the run');
    });
    return this.building;
  }

  /** The task of a config, its corpus loaded: on the user's own text or molecules when there are some (and wanted), else built-in. */
  private async taskFor(config: ExperimentConfig, useOwnData: boolean): Promise<SequenceTask> {
    const own = useOwnData ? this.ownData.taskFor(config) : null;
    if (own) return own;
    const task = sequenceTask(config.task);
    if (task.load) {
      this.setState('loading-prior', `Loading the ${task.label} corpus`);
      await task.load();
    }
    return task;
  }

  /** The shipped prior for this size if there is one, else a prior pretrained here (and kept for this session). */
  private async obtainPrior(task: SequenceTask, size: { vocab: number; embedding: number; hidden: number }): Promise<Record<string, Float32Array>> {
    const stem = priorStem(task.id, size);
    const cached = this.priors.get(priorKey(task, size));
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

/** Runs a preference command; any failure becomes { ok: false } with its message for the page. */
async function preferenceResult<T>(run: () => Promise<T>): Promise<PreferenceResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
