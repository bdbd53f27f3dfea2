// Files the page hands to the user: a Blob saved through a temporary object URL, and metrics as CSV.
import type { UpdateMetrics } from '../core/protocol';

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FIXED_COLUMNS = ['update', 'rewardMean', 'rewardMin', 'rewardMax', 'kl', 'entropy', 'loss', 'gradNorm', 'baseline', 'meanLength', 'uniqueShare'] as const;

/** One row per update; one column per metric and per reward term (empty where the term was not active). */
export function metricsCsv(records: readonly UpdateMetrics[]): string {
  const termIds = [...new Set(records.flatMap((m) => Object.keys(m.terms)))];
  const header = [...FIXED_COLUMNS, ...termIds.map((id) => `term:${id}`), 'changes'];
  const cell = (x: unknown) => {
    const text = typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '') : String(x ?? '');
    // Quote text cells; a leading =,+,-,@ would be read as a formula by spreadsheets.
    return typeof x === 'number' ? text : `"${text.replace(/^[=+\-@]/, "'$&").replace(/"/g, '""')}"`;
  };
  const rows = records.map((m) => [...FIXED_COLUMNS.map((k) => cell(m[k])), ...termIds.map((id) => cell(m.terms[id] ?? '')), cell(m.changes.join('; '))].join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}
