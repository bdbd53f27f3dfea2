// The training Worker: the only place where the page (Comlink) meets tfjs. All logic lives in core/session.
import * as Comlink from 'comlink';
import type { EventListener, InitOptions, TrainerApi } from '../core/protocol';
import { TrainingSession } from '../core/session';
import { drawMolecules } from '../core/chem/drawings';

const session = new TrainingSession();

const api: TrainerApi = {
  init: (listener: EventListener, options: InitOptions) => session.init(listener, options),
  ping: async () => true,
  configure: (config) => session.configure(config),
  start: () => session.start(),
  pause: () => session.pause(),
  step: (n) => session.step(n),
  reset: () => session.reset(),
  setRewardWeights: (weights) => session.setRewardWeights(weights),
  setSpeedCap: async (cap) => session.setSpeedCap(cap),
  saveCheckpoint: (name) => session.saveCheckpoint(name),
  listCheckpoints: () => session.listCheckpoints(),
  resumeCheckpoint: (id) => session.resumeCheckpoint(id),
  renameCheckpoint: (id, name) => session.renameCheckpoint(id, name),
  deleteCheckpoint: (id) => session.deleteCheckpoint(id),
  exportCheckpoint: (id) => session.exportCheckpoint(id),
  importCheckpoint: (file) => session.importCheckpoint(file),
  offerPairs: (n) => session.offerPairs(n),
  labelPair: (id, answer) => session.labelPair(id, answer),
  preferenceSummary: () => session.preferenceSummary(),
  drawMolecules: (smiles) => drawMolecules(smiles),
  trainPriorOnUpload: (file, fileName, mode) => session.trainPriorOnUpload(file, fileName, mode),
  corpusPreview: () => session.corpusPreview(),
};

Comlink.expose(api);
