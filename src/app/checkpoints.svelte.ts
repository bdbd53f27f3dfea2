// The checkpoints list as the page shows it, and the actions on it. Storage itself lives in the Worker; every call
// answers with a plain result, whose message is shown as text.
import type { CheckpointMeta, StorageResult, TrainerApi } from '../core/protocol';
import { exportFileName } from '../core/checkpoints/naming';
import { downloadBlob } from './downloads';

/** Files larger than this are refused before they are read (the Worker checks again, with the exact format limit). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const AUTO_PREFIX = 'auto-';

type Api = Pick<TrainerApi, 'saveCheckpoint' | 'listCheckpoints' | 'resumeCheckpoint' | 'renameCheckpoint' | 'deleteCheckpoint' | 'exportCheckpoint' | 'importCheckpoint'>;

export class CheckpointsState {
  list: CheckpointMeta[] = $state.raw([]);
  busy = $state(false);
  /** The outcome of the last action, shown under the list. */
  message: { text: string; error: boolean } | null = $state(null);
  /** Set when the browser refused to store more; the page offers deleting checkpoints right there. */
  quota: string | null = $state(null);
  /** The previous page's autosave, offered as "Resume last run" until used or dismissed. */
  lastRun: CheckpointMeta | null = $state.raw(null);

  constructor(private readonly api: () => Api | null) {}

  async refresh(): Promise<void> {
    const result = await this.call((api) => api.listCheckpoints());
    if (result?.ok) this.list = result.value;
  }

  /** On page load: remember the newest autosave so the page can offer resuming it. */
  async findLastRun(): Promise<void> {
    await this.refresh();
    this.lastRun = this.list.find((m) => m.id.startsWith(AUTO_PREFIX) && m.update > 0) ?? null;
  }

  /** Resumes the given run's autosave, or the newest autosave when that run has none. False when there is none at all. */
  async resumeAutosave(runId: string | null): Promise<boolean> {
    await this.refresh();
    const autosaves = this.list.filter((m) => m.id.startsWith(AUTO_PREFIX) && m.update > 0);
    const target = autosaves.find((m) => m.id === `${AUTO_PREFIX}${runId}`) ?? autosaves[0];
    return target ? this.resume(target.id) : false;
  }

  async save(name: string): Promise<void> {
    const result = await this.act((api) => api.saveCheckpoint(name));
    if (result?.ok) this.say(`Saved "${result.value.name}" at update ${result.value.update}.`);
    await this.refresh();
  }

  async resume(id: string): Promise<boolean> {
    this.lastRun = null;
    const result = await this.act((api) => api.resumeCheckpoint(id));
    if (result?.ok) this.say(`Resumed "${result.value.name}" at update ${result.value.update}.`);
    return !!result?.ok;
  }

  async rename(id: string, name: string): Promise<void> {
    const result = await this.act((api) => api.renameCheckpoint(id, name));
    if (result?.ok) this.say(`Renamed to "${result.value.name}".`);
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    const result = await this.act((api) => api.deleteCheckpoint(id));
    if (result?.ok) {
      this.say('Deleted.');
      if (this.lastRun?.id === id) this.lastRun = null;
    }
    await this.refresh();
  }

  async exportFile(meta: CheckpointMeta): Promise<void> {
    const result = await this.act((api) => api.exportCheckpoint(meta.id));
    if (result?.ok) downloadBlob(result.value, exportFileName(meta));
  }

  async importFile(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      this.say(`This file cannot be imported: it is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Nothing was changed.`, true);
      return;
    }
    const result = await this.act((api) => api.importCheckpoint(file));
    if (result?.ok) this.say(`Imported "${result.value.name}" (update ${result.value.update}).`);
    await this.refresh();
  }

  /** An autosave (or a failed one) reported by the Worker. */
  saved(meta: CheckpointMeta): void {
    this.list = [meta, ...this.list.filter((m) => m.id !== meta.id)].sort((a, b) => b.createdAt - a.createdAt);
  }

  failed(kind: string, text: string): void {
    if (kind === 'quota') this.quota = text;
    else this.say(text, true);
  }

  dismissQuota(): void {
    this.quota = null;
  }

  private say(text: string, error = false): void {
    this.message = { text, error };
  }

  private async act<T>(run: (api: Api) => Promise<StorageResult<T>>): Promise<StorageResult<T> | null> {
    this.busy = true;
    try {
      return await this.call(run);
    } finally {
      this.busy = false;
    }
  }

  private async call<T>(run: (api: Api) => Promise<StorageResult<T>>): Promise<StorageResult<T> | null> {
    const api = this.api();
    if (!api) return null;
    try {
      const result = await run(api);
      if (!result.ok) this.failed(result.kind, result.message);
      return result;
    } catch (err) {
      this.say(err instanceof Error ? err.message : String(err), true);
      return null;
    }
  }
}
