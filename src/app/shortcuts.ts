// Keyboard shortcuts of the page: one table, read by the key handler and by the help overlay.

export interface Shortcut {
  key: string;
  /** How the key is shown in the help overlay. */
  label: string;
  action: 'toggle-training' | 'step' | 'reset' | 'help';
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: ' ', label: 'Space', action: 'toggle-training', description: 'Train, or pause when training' },
  { key: 's', label: 'S', action: 'step', description: 'Run exactly one update (step mode)' },
  { key: 'r', label: 'R', action: 'reset', description: 'Reset the run to the prior, keeping the settings' },
  { key: '?', label: '?', action: 'help', description: 'Show or hide this help' },
];

/**
 * The shortcut a key press means, or null when the press belongs to something else: typing in a field, a
 * modifier combination, or a widget that handles its own keys (marked with data-own-keys, e.g. the comparison view).
 */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target as { closest?: (selector: string) => unknown; isContentEditable?: boolean } | null;
  if (target?.isContentEditable) return null;
  if (target?.closest?.('input, textarea, select, button, summary, [role="slider"], [data-own-keys]')) return null;
  return SHORTCUTS.find((s) => s.key === event.key.toLowerCase() || s.key === event.key) ?? null;
}
