/// <reference types="node" />
// QED against RDKit's own implementation (Python RDKit, fixture written by scripts/qed-fixture.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { initChem, qed, type Chem } from '../../src/core/chem/index';
import { ads, ADS_PARAMETERS, qedFromProperties, QED_PROPERTY_NAMES, QED_WEIGHTS_MEAN, type QedProperties } from '../../src/core/chem/qed';

interface FixtureMolecule {
  name: string;
  smiles: string;
  canonical: string;
  qed: number;
  properties: QedProperties;
  logp: number;
  mw: number;
  tpsa: number;
  hbd: number;
  hba: number;
  rings: number;
  rotatableBonds: number;
  scaffold: string;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/qed-reference.json', import.meta.url)), 'utf8')) as {
  rdkitVersion: string;
  molecules: FixtureMolecule[];
};

let chem: Chem;
beforeAll(async () => {
  chem = await initChem();
});

describe('QED desirability functions', () => {
  test('each ADS peaks at 1 near the drug-like optimum and falls away from it', () => {
    // Every desirability is normalised by its maximum: scanning a wide range never exceeds 1, and the peak is ~1.
    for (const name of QED_PROPERTY_NAMES) {
      let best = 0;
      for (let x = -10; x <= 1000; x += 0.01) best = Math.max(best, ads(x, ADS_PARAMETERS[name]));
      expect(best, name).toBeLessThanOrEqual(1.0001);
      expect(best, name).toBeGreaterThan(0.99);
    }
    expect(ads(300, ADS_PARAMETERS.MW)).toBeGreaterThan(ads(700, ADS_PARAMETERS.MW));
    expect(ads(0, ADS_PARAMETERS.ALERTS)).toBeGreaterThan(ads(3, ADS_PARAMETERS.ALERTS));
  });

  test('the weighted geometric mean of the eight desirabilities', () => {
    const p: QedProperties = { MW: 300, ALOGP: 2.5, HBA: 4, HBD: 1, PSA: 60, ROTB: 3, AROM: 2, ALERTS: 0 };
    let log = 0;
    let w = 0;
    for (const n of QED_PROPERTY_NAMES) {
      log += QED_WEIGHTS_MEAN[n] * Math.log(ads(p[n], ADS_PARAMETERS[n]));
      w += QED_WEIGHTS_MEAN[n];
    }
    expect(qedFromProperties(p)).toBeCloseTo(Math.exp(log / w), 12);
  });
});

describe(`QED vs RDKit ${fixture.rdkitVersion} (${fixture.molecules.length} molecules)`, () => {
  test('the three examples quoted from the paper in RDKit (doctest values 0.253..., 0.234..., 0.234...)', async () => {
    const truncatedTo3 = async (smiles: string) => Math.floor((await qed(smiles))! * 1000) / 1000;
    expect(await truncatedTo3('N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O')).toBe(0.253);
    expect(await truncatedTo3('CNC(=NCCSCc1nc[nH]c1C)NC#N')).toBe(0.234);
    expect(await truncatedTo3('CCCCCNC(=N)NN=Cc1c[nH]c2ccc(CO)cc12')).toBe(0.234);
    expect(await qed('not a molecule')).toBeNull();
  });

  test('every molecule within 0.01 of RDKit, and every integer property exact', () => {
    let worst = { error: 0, name: '', ours: 0, ref: 0 };
    const mismatches: string[] = [];
    for (const m of fixture.molecules) {
      const props = chem.qedProperties(m.smiles);
      expect(props, m.name).not.toBeNull();
      const ours = qedFromProperties(props!);
      const error = Math.abs(ours - m.qed);
      if (error > worst.error) worst = { error, name: m.name, ours, ref: m.qed };
      for (const n of ['HBA', 'HBD', 'ROTB', 'AROM', 'ALERTS'] as const) {
        if (props![n] !== m.properties[n]) mismatches.push(`${m.name} ${m.smiles}: ${n} ours ${props![n]} RDKit ${m.properties[n]}`);
      }
      for (const n of ['MW', 'ALOGP', 'PSA'] as const) {
        if (Math.abs(props![n] - m.properties[n]) > 1e-6) mismatches.push(`${m.name} ${m.smiles}: ${n} ours ${props![n]} RDKit ${m.properties[n]}`);
      }
    }
    console.info(`QED worst absolute error ${worst.error.toExponential(2)} on ${worst.name} (ours ${worst.ours.toFixed(6)}, RDKit ${worst.ref.toFixed(6)})`);
    expect(mismatches).toEqual([]);
    expect(worst.error).toBeLessThanOrEqual(0.01);
  });
});
