// The page's state and actions in one place: it owns the Worker client, turns Worker events into state, and turns
// panel edits into `configure` / `setRewardWeights` calls. Components read it and call its methods; nothing else.
import { defaultConfig, type ExperimentConfig } from '../core/config';
import type { BackendInfo, ConfigureResult, CorpusPreview, RunState, SampleView, UploadMode, UploadOutcome, WorkerEvent } from '../core/protocol';
import { CheckpointsState } from './checkpoints.svelte';
import { ExperimentState } from './experiment.svelte';
import { MetricsHistory } from './history.svelte';
import { LinkState } from './links.svelte';
import { PreferencesState } from './preferences.svelte';
import { RunList } from './runs.svelte';
import { SampleHistory } from './sampleHistory.svelte';
import { throttle } from './throttle';
import { backendFromQuery, createTrainerClient, initTrainer, type BackendRequest, type TrainerClient } from './trainerClient';

export interface Banner {
  message: string;
  hint: string;
  /** A button in the banner that fixes the problem (e.g. restart a crashed Worker). */
  action?: { label: string; run: () => void };
}

/** Weight slider moves reach the Worker at most this often; the last value always arrives. */
const WEIGHT_SEND_INTERVAL_MS = 100;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Lab {
  readonly experiment = new ExperimentState();
  readonly history = new MetricsHistory();
  readonly links = new LinkState();
  readonly runs = new RunList();
  readonly sampleHistory = new SampleHistory();
  readonly checkpoints = new CheckpointsState(() => this.client?.api ?? null);
  /** RLHF: the comparison view's pairs and the reward model's numbers. */
  readonly preferences = new PreferencesState(() => this.client?.api ?? null);
  samples: SampleView[] = $state.raw([]);
  samplesUpdate = $state(0);
  runState: RunState = $state('starting');
  statusMessage = $state('Starting the training Worker');
  /** 0..1 while pretraining a prior, else null. */
  progress: number | null = $state(null);
  backend: BackendInfo | null = $state.raw(null);
  banner: Banner | null = $state(null);

  /** Slow motion for a lecture: at most this many updates per second while training; null: full speed. */
  speedCap: number | null = $state(null);
  /** False after the Worker crashed, until it is restarted: no command could reach it. */
  workerAlive = $state(true);

  readonly canTrain = $derived(this.workerAlive && ['ready', 'paused', 'faulted'].includes(this.runState));
  readonly canPause = $derived(this.workerAlive && this.runState === 'training');
  readonly canStep = $derived(this.canTrain);
  readonly canReset = $derived(this.workerAlive && this.runState !== 'starting' && this.runState !== 'loading-prior' && this.runState !== 'pretraining');

  private client: TrainerClient | null = null;
  private backendRequest: BackendRequest = {};
  /** The run the Worker reported last: after a crash, its autosave is the one to resume. Reactive: a new or resumed run shows its own data. */
  runId: string | null = $state(null);
  /** Config calls are chained so their answers apply in the order the edits were made. */
  private configChain: Promise<unknown> = Promise.resolve();
  private readonly sendWeights = throttle((weights: Record<string, number>) => {
    const api = this.client?.api;
    if (!api) return;
    api.setRewardWeights(weights).catch((err) => this.showError(message(err), 'The weight was not applied; try again.'));
  }, WEIGHT_SEND_INTERVAL_MS);

  /** Creates the Worker, starts its backend and sends the first config. */
  async connect(search = location.search): Promise<void> {
    const start = this.links.start(defaultConfig(), (config) => this.openConfig(config), () => this.experiment.applied);
    this.experiment.load(start);
    this.backendRequest = backendFromQuery(search);
    if (this.backendRequest.problem) this.showError(this.backendRequest.problem, 'Starting with the automatic choice (WebGPU first) instead.');
    if (!(await this.startWorker())) return;
    await this.checkpoints.findLastRun();
  }

  /** Creates the Worker, starts its backend and sends the applied config. False when the Worker could not start. */
  private async startWorker(): Promise<boolean> {
    try {
      const client = createTrainerClient((reason) => this.workerCrashed(client, reason));
      this.client = client;
      this.workerAlive = true;
      this.backend = await initTrainer(client, (events) => this.receive(events), this.backendRequest);
    } catch (err) {
      this.runState = 'faulted';
      this.statusMessage = 'The training Worker could not start';
      this.showError(message(err), 'This browser may lack WebGPU, WebGL and WebAssembly; try a current Chrome, Edge or Firefox.');
      return false;
    }
    if (this.runState === 'starting') this.statusMessage = `Backend ${this.backend.name} started; preparing the run`;
    if (this.speedCap !== null) this.setSpeedCap(this.speedCap);
    await this.applyConfig();
    return true;
  }

  private workerCrashed(client: TrainerClient, reason: string): void {
    if (client !== this.client) return;
    client.dispose();
    this.client = null;
    this.configChain = Promise.resolve(); // a call in flight to the dead Worker never answers
    this.workerAlive = false;
    this.runState = 'faulted';
    this.statusMessage = 'The training Worker crashed';
    this.banner = {
      message: `The training Worker crashed (${reason}).`,
      hint: 'Your settings are kept. Restart it to continue from the last autosave.',
      action: { label: 'Restart and resume', run: () => void this.restartWorker() },
    };
  }

  /**
   * A fresh Worker (and with it a fresh GPU device) with the same settings, then the current run's last autosave is
   * resumed, or the newest autosave when this run had none yet. Nothing the user set is lost.
   */
  async restartWorker(): Promise<void> {
    this.client?.dispose();
    this.client = null;
    this.configChain = Promise.resolve();
    this.runState = 'starting';
    this.statusMessage = 'Restarting the training Worker';
    const runId = this.runId;
    if (!(await this.startWorker())) return;
    this.banner = null;
    if (!(await this.checkpoints.resumeAutosave(runId))) this.statusMessage = 'Restarted: no autosave yet, so the run starts again from the prior';
  }

  disconnect(): void {
    this.links.stop();
    this.sendWeights.cancel();
    this.client?.dispose();
    this.client = null;
  }

  /** Checks the draft; if valid, sends it. A refused draft leaves the previous config in force. */
  applyConfig(): Promise<unknown> {
    const checked = this.experiment.check();
    if (!checked.ok) return Promise.resolve();
    const api = this.client?.api;
    if (!api) return Promise.resolve();
    const config = checked.config;
    this.sendWeights.flush();
    this.configChain = this.configChain
      .then((): Promise<ConfigureResult> => api.configure(config))
      .then((result) => {
        if (!result.ok) {
          this.experiment.refuse(result.errors);
          return;
        }
        this.experiment.accept(config);
        this.links.write(config);
      })
      .catch((err) => this.showError(`The settings were not applied: ${message(err)}`, 'The previous settings stay in force.'));
    return this.configChain;
  }

  /** A weight slider moved: live, throttled, without rebuilding anything. */
  setWeight(index: number, weight: number): void {
    const reward = this.experiment.draft.rewards[index];
    if (!reward) return;
    reward.weight = weight;
    if (!this.experiment.checkWeight(index)) return;
    this.experiment.acceptWeight(reward.id, weight);
    this.links.write(this.experiment.applied);
    // The draft's weights, so a term whose configure is still on its way keeps the weight just set.
    const weights = Object.fromEntries(this.experiment.draft.rewards.filter((r) => Number.isFinite(r.weight)).map((r) => [r.id, r.weight]));
    this.sendWeights(weights);
  }

  addTerm(id: string): void {
    this.experiment.addTerm(id);
    this.applyConfig();
  }

  removeTerm(index: number): void {
    this.experiment.removeTerm(index);
    this.applyConfig();
  }

  setSpeedCap(cap: number | null): void {
    this.speedCap = cap;
    this.command('speed', (api) => api.setSpeedCap(cap));
  }

  train(): void {
    this.command('start', (api) => api.start());
  }

  pause(): void {
    this.command('pause', (api) => api.pause());
  }

  step(): void {
    this.command('step', (api) => api.step(1));
  }

  reset(): void {
    this.command('reset', (api) => api.reset());
  }

  /** A link (or preset) was opened: its config replaces the draft and is applied. */
  openConfig(config: ExperimentConfig): void {
    this.experiment.load(config);
    this.applyConfig();
  }

  copyLink(): void {
    void this.links.copy(this.experiment.applied);
  }

  resumeCheckpoint(id: string): void {
    void this.checkpoints.resume(id);
  }

  dismissBanner(): void {
    this.banner = null;
  }

  /** Trains a molecules prior on the user's file in the Worker (progress arrives as status events), then a new run starts. */
  async trainPriorOnUpload(file: File, mode: UploadMode): Promise<UploadOutcome> {
    const api = this.client?.api;
    if (!api) return { ok: false, message: 'The training Worker is not running; reload the page and try again.' };
    return api.trainPriorOnUpload(file, file.name, mode);
  }

  /** The run's corpus size and a few examples (Names, Words, Free text); null for other tasks or while the Worker is not there. */
  async corpusPreview(): Promise<CorpusPreview | null> {
    const api = this.client?.api;
    return api ? api.corpusPreview() : null;
  }

  /** RDKit's drawings of a few SMILES (data URLs for <img>, null when invalid); [] while the Worker is not there. */
  async drawMolecules(smiles: string[]): Promise<(string | null)[]> {
    const api = this.client?.api;
    return api ? api.drawMolecules(smiles) : [];
  }

  private command(name: string, run: (api: TrainerClient['api']) => Promise<void>): void {
    const api = this.client?.api;
    if (!api) return;
    run(api).catch((err) => this.showError(`${name} failed: ${message(err)}`, 'Reset the run; if it happens again, reload the page.'));
  }

  private clearRun(): void {
    this.history.clear();
    this.samples = [];
    this.samplesUpdate = 0;
    this.sampleHistory.clear();
  }

  private showError(text: string, hint: string): void {
    this.banner = { message: text, hint };
  }

  private receive(events: WorkerEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'metrics':
          this.history.push(event.metrics);
          this.preferences.noteMetrics(event.metrics);
          break;
        case 'samples':
          this.samples = event.samples;
          this.samplesUpdate = event.update;
          this.sampleHistory.push(event.update, event.samples);
          break;
        case 'status':
          this.runState = event.state;
          this.statusMessage = event.message;
          this.progress = event.state === 'pretraining' ? (event.progress ?? null) : null;
          break;
        case 'error':
          this.showError(event.message, event.hint);
          break;
        case 'device-lost':
          void this.restartWorker();
          break;
        case 'run':
          this.runId = event.runId;
          this.runs.start(event.runId, this.history.records, this.experiment.applied.task);
          this.clearRun();
          this.preferences.restart();
          break;
        case 'restored':
          this.runId = event.runId;
          this.runs.start(event.runId, this.history.records, event.config.task, `Resumed at update ${event.update}`);
          this.clearRun();
          this.preferences.restart();
          this.history.push(event.metrics);
          this.experiment.load(event.config);
          this.experiment.accept(event.config);
          this.links.write(event.config);
          break;
        case 'storage':
          if (event.ok) this.checkpoints.saved(event.meta);
          else this.checkpoints.failed(event.kind, event.message);
          break;
      }
    }
  }
}
