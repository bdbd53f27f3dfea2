// Plot colours come from the page's CSS variables, so light/dark and the colour-blind-safe palette live in one place.
// `scheme.dark` follows prefers-color-scheme; plots rebuild when it flips.

export const scheme = $state({ dark: false });

if (typeof matchMedia === 'function') {
  const query = matchMedia('(prefers-color-scheme: dark)');
  scheme.dark = query.matches;
  query.addEventListener('change', (e) => (scheme.dark = e.matches));
}

export interface ChartTheme {
  fg: string;
  muted: string;
  grid: string;
  band: string;
  marker: string;
  series: string[];
}

export function readTheme(): ChartTheme {
  void scheme.dark;
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    grid: v('--grid'),
    band: v('--band'),
    marker: v('--marker'),
    series: [1, 2, 3, 4, 5, 6, 7].map((i) => v(`--series-${i}`)),
  };
}
