// The painter's colours, kept apart from the tfjs code so the page (reward panel, target picker) can import them.
export type Rgb = readonly [number, number, number];

/** Eight colours that the built-in targets are drawn with, so a discrete policy can match them exactly. */
export const DEFAULT_PALETTE_HEX = ['#000000', '#ffffff', '#e53935', '#fb8c00', '#fdd835', '#43a047', '#1e88e5', '#8e24aa'] as const;

/** Parses "#rrggbb" colours (comma or space separated) into RGB in [0, 1]; throws with the offending entry. */
export function parsePalette(text: string): Rgb[] {
  const entries = text.split(/[\s,]+/).filter((e) => e.length > 0);
  if (entries.length === 0) throw new Error('The palette is empty: give at least one colour like #ff0000');
  return entries.map((e) => {
    if (!/^#[0-9a-fA-F]{6}$/.test(e)) throw new Error(`"${e}" is not a colour like #ff0000`);
    const n = parseInt(e.slice(1), 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255] as const;
  });
}

export const DEFAULT_PALETTE: readonly Rgb[] = parsePalette(DEFAULT_PALETTE_HEX.join(','));
