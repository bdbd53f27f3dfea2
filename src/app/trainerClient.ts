// The page's handle on the training Worker: one module Worker, wrapped with Comlink. The listener crosses the boundary
// as a Comlink proxy; everything else is plain data. Only types come from core, so no tfjs reaches the main thread.
import * as Comlink from 'comlink';
import type { BackendName, EventListener, TrainerApi } from '../core/protocol';
import { Watchdog } from './watchdog';

/** Backends a user may ask for with `?backend=`; WebGPU is the default start of the search. */
const REQUESTABLE_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const satisfies readonly BackendName[];

export interface BackendRequest {
  firstBackend?: BackendName;
  /** Set when the query named a backend we do not know. */
  problem?: string;
}

/** Reads `?backend=webgl|wasm|cpu` (fallback testing, or a user's choice). */
export function backendFromQuery(search: string): BackendRequest {
  const wanted = new URLSearchParams(search).get('backend');
  if (wanted === null || wanted === '') return {};
  const known = REQUESTABLE_BACKENDS.find((b) => b === wanted);
  if (known) return { firstBackend: known };
  return { problem: `Unknown backend "${wanted}" in the address (?backend=); expected one of ${REQUESTABLE_BACKENDS.join(', ')}.` };
}

export interface TrainerClient {
  api: Comlink.Remote<TrainerApi>;
  dispose(): void;
}

/**
 * Starts the training Worker. `onCrash` is called once with a reason when the Worker dies: an uncaught error, a
 * message it cannot read, or silence (see Watchdog). After that the client is dead: dispose it and make a new one.
 */
export function createTrainerClient(onCrash: (reason: string) => void = () => {}): TrainerClient {
  const worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
  const api = Comlink.wrap<TrainerApi>(worker);
  let alive = true;
  let disposed = false;
  const crash = (reason: string) => {
    if (!alive) return;
    alive = false;
    watchdog.stop();
    onCrash(reason);
  };
  const watchdog = new Watchdog(
    () => api.ping(),
    (ms) => crash(`it stopped answering for ${Math.round(ms / 1000)} s`),
  );
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    crash(e.message ? `uncaught error: ${e.message}` : 'it stopped with an uncaught error');
  });
  worker.addEventListener('messageerror', () => crash('a message from it could not be read'));
  watchdog.start();
  return {
    api,
    dispose() {
      if (disposed) return; // Comlink throws on a second release
      disposed = true;
      alive = false;
      watchdog.stop();
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Starts the Worker's backend; `listener` receives batched events (metrics, samples, status, error). */
export function initTrainer(client: TrainerClient, listener: EventListener, request: BackendRequest) {
  return client.api.init(Comlink.proxy(listener), {
    baseUrl: new URL(import.meta.env.BASE_URL, location.href).href,
    firstBackend: request.firstBackend,
  });
}
