// Several runs on one x axis: uPlot wants one shared, sorted x column, with null where a run has no point.

export interface Series {
  x: readonly number[];
  y: readonly number[];
}

export function alignSeries(series: readonly Series[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const position = new Map(x.map((value, i) => [value, i]));
  const ys = series.map((s) => {
    const column = new Array<number | null>(x.length).fill(null);
    s.x.forEach((value, i) => (column[position.get(value)!] = s.y[i] ?? null));
    return column;
  });
  return { x, ys };
}
