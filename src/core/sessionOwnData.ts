// The user's own data in a training session: the text of a Free text run on "your own text", the molecules a prior was
// trained on. It becomes the task's corpus (and novelty reference), its prior is kept beside the shipped ones, and
// checkpoints carry both, so a resumed run trains on the same data again.
import type { Checkpoint, OwnDataSection } from './checkpoints/types';
import { droppedOwnData, ownDataProblem } from './checkpoints/ownDataSection';
import type { Membership } from './chem/metrics';
import type { ExperimentConfig } from './config';
import { weightShapes, type GruSize } from './models/charGru';
import { priorStem } from './priors';
import { expectedWeightShapes } from './runCheckpoints';
import type { CorpusTask } from './tasks/corpusTasks';
import { missingOwnDataNote, ownMoleculesCorpus, ownTextTaskOf, uploadedMoleculesOf, type OwnMolecules, type OwnText } from './tasks/ownCorpus';
import type { SequenceTask } from './tasks/sequenceTasks';
import type { CorpusPreview } from './tasks/textData';
import type { UploadedMolecules } from './tasks/uploadedMolecules';
import type { UploadMode } from './tasks/uploadedPrior';

/** Prior weights by key (see priorKey), shared with the session's shipped priors. */
export type PriorCache = Map<string, Record<string, Float32Array>>;

/** Where a prior is kept in the session: a prior trained on the user's own data never stands in for the shipped one. */
export function priorKey(task: SequenceTask, size: { embedding: number; hidden: number }): string {
  return `${priorStem(task.id, size)}${task.ownData ? '+own' : ''}`;
}

/** What an upload left to keep: the examples used (text with its preview, or molecules with their canonical forms). */
export interface UploadedData {
  text?: { examples: string[]; preview: CorpusPreview };
  molecules?: { examples: string[]; canonical: string[] };
}

export class SessionOwnData {
  /** Free text on the user's own text (pasted or uploaded in this tab, or restored from a checkpoint; links never carry it). */
  private text: { task: CorpusTask; corpus: OwnText } | null = null;
  /** Molecules the user trained a prior on (here or in a resumed run). */
  private molecules: { uploaded: UploadedMolecules; corpus: OwnMolecules } | null = null;

  constructor(private readonly priors: PriorCache) {}

  /** The task a run on `config` trains on when it is on the user's data and there is some; else null (built-in data). */
  taskFor(config: ExperimentConfig): SequenceTask | null {
    if (config.task === 'text' && config.text.source === 'own' && this.text) return this.text.task;
    if (config.task === 'molecules' && this.molecules) return this.molecules.uploaded.task;
    return null;
  }

  /** The novelty reference of the user's molecules, when `task` is theirs. */
  noveltyFor(task: SequenceTask): Membership | null {
    return this.molecules && task === this.molecules.uploaded.task ? this.molecules.uploaded.novelty : null;
  }

  /** A Free text run set to the user's own text that has none yet (it trains on Moby-Dick until some is given). */
  waitingForText(config: ExperimentConfig, task: SequenceTask): boolean {
    return config.task === 'text' && config.text.source === 'own' && task !== this.text?.task;
  }

  /** Keeps an upload's data and the prior trained on it (for a model of `size`); `task` is the task it was uploaded to. */
  async adoptUpload(data: UploadedData, mode: UploadMode, task: SequenceTask, size: GruSize, values: Record<string, Float32Array>): Promise<void> {
    let ownTask = task;
    if (data.text) {
      const corpus: OwnText = { kind: 'text', examples: data.text.examples, dropped: data.text.preview.dropped ?? { outsideAlphabet: 0, junk: 0 } };
      this.text = { task: ownTextTaskOf(corpus), corpus };
      ownTask = this.text.task;
    } else if (data.molecules) {
      const corpus = ownMoleculesCorpus(data.molecules.examples, data.molecules.canonical, mode);
      this.molecules = { uploaded: await uploadedMoleculesOf(corpus), corpus };
      ownTask = this.molecules.uploaded.task;
    }
    this.priors.set(priorKey(ownTask, size), values);
  }

  /**
   * Before a resumed run is rebuilt: a checkpoint of a run on the user's own data brings that data back (the corpus, and
   * the prior trained on it). A damaged copy makes the run resume on the built-in data (`use: false`), with a note that
   * says so. A checkpoint without a copy (a run on built-in data, or one saved before checkpoints carried it) keeps this
   * tab's.
   */
  async restore(cp: Checkpoint): Promise<{ use: boolean; note: string | null }> {
    const config = cp.config;
    const kind = config.task === 'text' && config.text.source === 'own' ? 'text' : config.task === 'molecules' ? 'molecules' : null;
    if (!kind) return { use: true, note: null };
    // Checked again against the model size: storage cannot know the shapes a prior needs.
    const invalid = cp.ownData ? ownDataProblem(cp.ownData, config, expectedWeightShapes(config)) : null;
    const problem = invalid ? droppedOwnData(invalid).ownDataProblem : cp.ownDataProblem;
    if (problem) return { use: false, note: missingOwnDataNote(kind, problem) };
    if (cp.ownData) {
      await this.adopt(cp.ownData, config);
      return { use: true, note: null };
    }
    return { use: true, note: kind === 'text' && !this.text ? missingOwnDataNote('text') : null };
  }

  /** The user's data a run on `task` was built on, for its checkpoint: the corpus, and the prior trained on it. */
  sectionOf(task: SequenceTask | null, config: ExperimentConfig): OwnDataSection | null {
    if (!task?.ownData) return null;
    const corpus = task === this.text?.task ? this.text.corpus : task === this.molecules?.uploaded.task ? this.molecules.corpus : null;
    if (!corpus) return null;
    const size = { vocab: task.tokenizer.vocab.length, ...config.model };
    const values = this.priors.get(priorKey(task, size));
    return { corpus, ...(values ? { prior: serializedPrior(size, values) } : {}) };
  }

  /** Makes a checkpoint's own data this session's: the task's corpus from now on, and its prior for the run's size. */
  private async adopt(section: OwnDataSection, config: ExperimentConfig): Promise<void> {
    const corpus = section.corpus;
    let task: SequenceTask;
    if (corpus.kind === 'text') {
      this.text = { task: ownTextTaskOf(corpus), corpus };
      task = this.text.task;
    } else {
      this.molecules = { uploaded: await uploadedMoleculesOf(corpus), corpus };
      task = this.molecules.uploaded.task;
    }
    const key = priorKey(task, config.model);
    // Without a prior the run had used the shipped one (its size had none trained on the upload): so does the resume.
    if (section.prior) this.priors.set(key, Object.fromEntries(section.prior.map((t) => [t.name, t.data as Float32Array])));
    else this.priors.delete(key);
  }
}

/** A prior's weights as checkpoint tensors, named and shaped like the GRU policy's. */
function serializedPrior(size: GruSize, values: Record<string, Float32Array>): OwnDataSection['prior'] {
  return Object.entries(weightShapes(size)).map(([name, shape]) => ({ name, shape, dtype: 'float32' as const, data: values[name] }));
}
