import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, parseConfig, TASKS } from '../../src/core/config';
import { algorithmExplanation, taskExplanation } from '../../src/ui/teaching/explanations';
import { advantageStage, lossStage } from '../../src/ui/teaching/equations';

function config(input: object) {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('"How it works" explanations', () => {
  const algorithmCases = ALGORITHMS.flatMap((name) => [
    { name, klMode: 'reward', klTarget: 0 },
    { name, klMode: 'loss', klTarget: 6 },
  ]);

  it.each(algorithmCases)('$name (KL as $klMode, target $klTarget): text, sources, and TeX that KaTeX parses', (alg) => {
    const e = algorithmExplanation(config({ task: 'molecules', algorithm: alg }).algorithm);
    expect(e.paragraphs.every((p) => p.length > 20)).toBe(true);
    expect(e.sources.length).toBeGreaterThan(0);
    for (const tex of e.equations) expect(() => katex.renderToString(tex, { output: 'mathml', throwOnError: true })).not.toThrow();
    if (alg.name !== 'reinvent') expect(e.equations.some((t) => t.includes('beta'))).toBe(true); // the KL term is shown
    if (alg.name !== 'reinvent' && alg.klTarget > 0) expect(e.paragraphs.join(' ')).toMatch(/target KL of 6/);
  });

  it.each([...TASKS])('task %s: text and TeX that KaTeX parses', (task) => {
    const e = taskExplanation(task);
    expect(e.title.length).toBeGreaterThan(3);
    for (const tex of e.equations) expect(() => katex.renderToString(tex, { output: 'mathml', throwOnError: true })).not.toThrow();
  });

  it('the step-by-step view shows REINVENT’s own loss, not REINFORCE’s', () => {
    const alg = config({ task: 'molecules', algorithm: { name: 'reinvent' } }).algorithm;
    expect(advantageStage(alg).equation).toMatch(/P_aug/);
    expect(lossStage(alg).equation).toMatch(/log P_aug\(x\) − log P_θ\(x\)/);
  });
});
