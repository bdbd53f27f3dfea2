// Module Worker used by test/browser/chem.test.ts: loads RDKit inside a Worker and answers QED requests.
import { initChem, qed } from '../../src/core/chem/index';

self.onmessage = async (e: MessageEvent<{ smiles: string[] }>) => {
  try {
    const chem = await initChem();
    const values = await Promise.all(e.data.smiles.map((s) => qed(s)));
    self.postMessage({ ok: true, version: chem.version, values, canonical: e.data.smiles.map((s) => chem.canonical(s)) });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err) });
  }
};
