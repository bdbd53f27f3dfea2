// The painter's settings in the config: defaults, refusals with clear messages, the custom-target encoding.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { DEFAULT_PALETTE } from '../../src/core/tasks/paint/palette';
import { CUSTOM_SIDE, decodeCustomImage, encodeCustomImage, paintTargetImage } from '../../src/core/tasks/paint/settings';
import { proceduralTarget } from '../../src/core/tasks/paint/targets';

function parsed(input: unknown) {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

function errors(input: unknown) {
  const r = parseConfig(input);
  if (r.ok) throw new Error('expected the config to be refused');
  return r.errors;
}

describe('paint config', () => {
  it('defaults: 32×32 canvas, 20 discrete strokes, circle target, L2 gain, A2C without KL, batch 16', () => {
    const c = parsed({ task: 'paint' });
    expect(c.paint).toEqual({ canvas: 32, strokes: 20, action: 'discrete', skip: false, target: 'circle', letters: 'A', image: '' });
    expect(c.rewards).toEqual([{ id: 'l2_gain', weight: 1, params: {} }]);
    expect(c.algorithm.name).toBe('a2c');
    expect(c.algorithm.klCoef).toBe(0);
    expect(c.algorithm.entropyCoef).toBe(0.01);
    expect(c.batchSize).toBe(16);
  });

  it('keeps algorithm settings the input gives over the painter defaults', () => {
    const c = parsed({ task: 'paint', algorithm: { name: 'ppo', klCoef: 0.1 }, batchSize: 8 });
    expect(c.algorithm.name).toBe('ppo');
    expect(c.algorithm.klCoef).toBe(0.1);
    expect(c.algorithm.entropyCoef).toBe(0.01);
    expect(c.batchSize).toBe(8);
  });

  it('leaves the other tasks untouched', () => {
    expect(parsed({}).algorithm.name).toBe('reinforce');
    expect(parsed({ task: 'molecules' }).batchSize).toBe(64);
  });

  it('refuses REINVENT and the self-critical baseline for paint, naming the field', () => {
    const [reinvent] = errors({ task: 'paint', algorithm: { name: 'reinvent' } });
    expect(reinvent.path).toBe('algorithm.name');
    expect(reinvent.message).toMatch(/REINVENT.*painter/);
    const [critical] = errors({ task: 'paint', algorithm: { name: 'reinforce', baseline: 'self-critical' } });
    expect(critical.path).toBe('algorithm.baseline');
  });

  it('refuses sequence-only regularisers for paint: the exact-KL loss term and MLE mixing', () => {
    expect(errors({ task: 'paint', algorithm: { klMode: 'loss' } })[0].path).toBe('algorithm.klMode');
    expect(errors({ task: 'paint', algorithm: { mleCoef: 0.1 } })[0]).toEqual({
      path: 'algorithm.mleCoef',
      message: 'MLE mixing needs example data, and the painter has none: set α to 0',
    });
    expect(parsed({ task: 'paint', algorithm: { klCoef: 0.1, klTarget: 2 } }).algorithm.klTarget).toBe(2);
  });

  it('refuses bad painter settings with messages that say what is allowed', () => {
    expect(errors({ task: 'paint', paint: { canvas: 48 } })[0]).toEqual({ path: 'paint.canvas', message: 'The canvas side must be 32 or 64 pixels' });
    expect(errors({ task: 'paint', paint: { strokes: 0 } })[0].message).toMatch(/at least 1/);
    expect(errors({ task: 'paint', paint: { strokes: 65 } })[0].message).toMatch(/at most 64/);
    expect(errors({ task: 'paint', paint: { action: 'beam' } })[0].path).toBe('paint.action');
    expect(errors({ task: 'paint', paint: { target: 'cat' } })[0].message).toMatch(/circle, square/);
    expect(errors({ task: 'paint', paint: { letters: 'ABCD' } })[0].path).toBe('paint.letters');
    expect(errors({ task: 'paint', paint: { image: '<img src=x onerror=alert(1)>' } })[0].path).toBe('paint.image');
    expect(errors({ task: 'paint', paint: { target: 'custom' } })[0]).toEqual({
      path: 'paint.image',
      message: 'The custom target is empty: upload an image or draw one on the pad first',
    });
  });

  it('refuses a painter reward on another task and a names reward on paint', () => {
    expect(errors({ task: 'names', rewards: [{ id: 'l2_gain', weight: 1 }] })[0].path).toBe('rewards.0.id');
    expect(errors({ task: 'paint', rewards: [{ id: 'ends_with', weight: 1 }] })[0].path).toBe('rewards.0.id');
  });
});

describe('custom targets', () => {
  it('encode to one palette index per pixel and decode back to the palette colours', () => {
    const circle = proceduralTarget('circle', CUSTOM_SIDE);
    const code = encodeCustomImage(circle);
    expect(code).toMatch(/^[0-7]{1024}$/);
    expect(code[0]).toBe('1'); // white corner
    expect(code[16 * CUSTOM_SIDE + 16]).toBe('2'); // red centre
    const back = decodeCustomImage(code);
    expect(Array.from(back.subarray(0, 3))).toEqual([...DEFAULT_PALETTE[1]]);
  });

  it('are resized to the canvas and usable as targets', () => {
    const c = parsed({ task: 'paint', paint: { canvas: 64, target: 'custom', image: '0'.repeat(1024) } });
    const image = paintTargetImage(c.paint);
    expect(image.length).toBe(64 * 64 * 3);
    expect(image.every((x) => x === 0)).toBe(true);
  });
});
