// Stable element ids for a config field, so labels, hints and errors can point at each other.
export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The aria-describedby value for a field: its hint, and its error when there is one. */
export function describedBy(path: string, hasError: boolean): string {
  const id = fieldId(path);
  return hasError ? `${id}-hint ${id}-error` : `${id}-hint`;
}
