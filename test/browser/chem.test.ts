// RDKit.js in a real page and in a module Worker: the wasm is located through Vite, the loader is imported as a module.
import { describe, expect, test } from 'vitest';
import { initChem, moleculeSvg, qed, svgToDataUrl } from '../../src/core/chem/index';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const ASPIRIN_QED = 0.5501217966938848; // RDKit's QED (test/fixtures/qed-reference.json)

describe('chemistry in the browser', () => {
  test('RDKit loads in the page and qed() matches RDKit', async () => {
    const chem = await initChem();
    expect(chem.version).toMatch(/^\d{4}\.\d{2}/);
    expect(await qed(ASPIRIN)).toBeCloseTo(ASPIRIN_QED, 10);
    expect(await qed('C1CC')).toBeNull();
  });

  test('a molecule drawing shows as an <img> from a data URL', async () => {
    const svg = (await moleculeSvg(ASPIRIN, 200, 160))!;
    const img = document.createElement('img');
    img.src = svgToDataUrl(svg);
    document.body.append(img);
    await img.decode();
    expect(img.naturalWidth).toBe(200);
    img.remove();
  });

  test('RDKit loads in a module Worker and qed() works there', async () => {
    const worker = new Worker(new URL('./chem-worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = await new Promise<{ ok: boolean; values?: (number | null)[]; canonical?: (string | null)[]; error?: string }>(
        (resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
          worker.postMessage({ smiles: [ASPIRIN, 'C1CC', 'OC1=CC=CC=C1'] });
        },
      );
      expect(reply.error).toBeUndefined();
      expect(reply.ok).toBe(true);
      expect(reply.values![0]).toBeCloseTo(ASPIRIN_QED, 10);
      expect(reply.values![1]).toBeNull();
      expect(reply.canonical).toEqual([ASPIRIN, null, 'Oc1ccccc1']);
    } finally {
      worker.terminate();
    }
  });
});
