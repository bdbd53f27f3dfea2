// The file name of an exported checkpoint. Its own module so the page can use it without loading storage code.
import type { CheckpointMeta } from './types';

/** A file name for an exported checkpoint, e.g. "rewardlab-names-u1200-my-run.rlckpt". */
export function exportFileName(meta: CheckpointMeta): string {
  const slug = meta.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `rewardlab-${meta.task}-u${meta.update}${slug ? `-${slug}` : ''}.rlckpt`;
}
