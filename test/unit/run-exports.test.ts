// Run exports and overlays: the metrics CSV (one column per metric and term, text cells safe for spreadsheets) and
// the alignment of several runs on one update axis.
import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../src/app/downloads';
import type { UpdateMetrics } from '../../src/core/protocol';
import { alignSeries } from '../../src/ui/plots/overlay';

const metrics = (update: number, terms: Record<string, number>, changes: string[] = []): UpdateMetrics => ({
  update,
  rewardMean: update / 10,
  rewardMin: 0,
  rewardMax: 1,
  terms,
  kl: 0.5,
  entropy: 2,
  loss: NaN,
  gradNorm: 1,
  baseline: 0,
  meanLength: 5,
  uniqueShare: 1,
  updateMs: 10,
  changes,
});

describe('metricsCsv', () => {
  it('has a header, one row per update, a column per term, and empty cells for missing values', () => {
    const csv = metricsCsv([metrics(1, { ends_with: 0.25 }), metrics(2, { ends_with: 0.5, contains: 1 }, ['=cmd()', 'say "hi"'])]);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('update,rewardMean,rewardMin,rewardMax,kl,entropy,loss,gradNorm,baseline,meanLength,uniqueShare,term:ends_with,term:contains,changes');
    expect(lines[1]).toBe('1,0.1,0,1,0.5,2,,1,0,5,1,0.25,"",""');
    // A leading "=" is defused; quotes are doubled.
    expect(lines[2]).toBe(`2,0.2,0,1,0.5,2,,1,0,5,1,0.5,1,"'=cmd(); say ""hi"""`);
  });
});

describe('alignSeries', () => {
  it('puts runs of different lengths on one sorted x axis with nulls where a run has no point', () => {
    const { x, ys } = alignSeries([
      { x: [1, 2, 3], y: [10, 20, 30] },
      { x: [2, 4], y: [5, 6] },
    ]);
    expect(x).toEqual([1, 2, 3, 4]);
    expect(ys).toEqual([
      [10, 20, 30, null],
      [null, 5, null, 6],
    ]);
  });
});
