// Shared uPlot options: axes in the theme's colours, an "update" x axis, cursors synced across plots.
import type uPlot from 'uplot';
import type { ChartTheme } from './theme.svelte';

export const CURSOR_SYNC_KEY = 'rewardlab-run';

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
    axes: [axis('update'), axis(yLabel)],
    cursor: { sync: { key: CURSOR_SYNC_KEY }, drag: { x: false, y: false } },
    legend: { live: true },
  };
}
