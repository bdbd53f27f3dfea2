// Shared uPlot options: axes in the theme's colours, an "update" x axis, cursors synced across plots.
import type uPlot from 'uplot';
import type { ChartTheme } from './theme.svelte';

export const CURSOR_SYNC_KEY = 'rewardlab-run';

const UPDATE_TICK_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

export function baseOptions(theme: ChartTheme, yLabel: string): Omit<uPlot.Options, 'width' | 'height' | 'series'> {
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    labelSize: 18,
    size: 44,
    font: '11px system-ui, sans-serif',
    labelFont: '11px system-ui, sans-serif',
  });
  return {
    scales: { x: { time: false } },
    // Updates are whole numbers: no ticks at 1.5.
    axes: [{ ...axis('update'), incrs: UPDATE_TICK_STEPS }, axis(yLabel)],
    cursor: { sync: { key: CURSOR_SYNC_KEY }, drag: { x: false, y: false } },
    legend: { live: true },
  };
}
