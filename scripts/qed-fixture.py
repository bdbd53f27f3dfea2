#!/usr/bin/python3
"""Write test/fixtures/qed-reference.json: reference QED values computed with RDKit's own QED.

Usage (Debian: apt-get install -y python3-rdkit):
    /usr/bin/python3 scripts/qed-fixture.py   (the system Python that has python3-rdkit) [--data ../shared/data/smiles] [--every 50] [--out test/fixtures/qed-reference.json]

Takes every N-th molecule of the shared test.smi (200 molecules with the defaults) plus a few classic drugs, and records
for each: RDKit's QED (mean weights), the eight QED properties exactly as rdkit.Chem.QED.properties computes them, and the
plain descriptors our reward terms use (Crippen logP, average MW, TPSA, HBD, HBA, rings) plus the Bemis-Murcko scaffold.
The TypeScript QED in src/core/chem/qed.ts is tested against this file (test/unit/qed.test.ts).
"""
import argparse
import json
import os
import sys

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import QED, Crippen, MolSurf
from rdkit.Chem import rdMolDescriptors as rdmd
from rdkit.Chem.Scaffolds import MurckoScaffold

# rdMolDescriptors.CalcNumHBA's pattern after RDKit fixed issue #8997 (Dec 2025: a neutral aromatic N counts only with two
# connections, so N-alkyl pyrroles and pyridones lose an acceptor). RDKit.js 2026.09's NumHBA uses it; RDKit 2022.09 does
# not, so the fixture records both counts ('hba' from this RDKit, 'hbaCurrent' with the newer pattern).
HBA_CURRENT = Chem.MolFromSmarts(
    '[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0X2,o,s;+0])]')

CLASSIC_DRUGS = {
    'aspirin': 'CC(=O)Oc1ccccc1C(=O)O',
    'caffeine': 'Cn1c(=O)c2c(ncn2C)n(C)c1=O',
    'paracetamol': 'CC(=O)Nc1ccc(O)cc1',
    'ibuprofen': 'CC(C)Cc1ccc(C(C)C(=O)O)cc1',
    'nicotine': 'CN1CCC[C@H]1c1cccnc1',
    'diazepam': 'CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21',
    'sildenafil': 'CCCc1nn(C)c2c(=O)[nH]c(-c3cc(S(=O)(=O)N4CCN(C)CC4)ccc3OCC)nc12',
    'imatinib': 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1',
    'celecoxib': 'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1',
    'morphine': 'CN1CC[C@]23c4c5ccc(O)c4O[C@H]2[C@@H](O)C=C[C@H]3[C@H]1C5',
    'penicillin_g': 'CC1(C)S[C@@H]2[C@H](NC(=O)Cc3ccccc3)C(=O)N2[C@H]1C(=O)O',
    'atorvastatin': 'CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CC[C@@H](O)C[C@@H](O)CC(=O)O',
    # the three examples quoted in RDKit's QED docstring (from the QED paper)
    'qed_paper_1': 'N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O',
    'qed_paper_2': 'CNC(=NCCSCc1nc[nH]c1C)NC#N',
    'qed_paper_3': 'CCCCCNC(=N)NN=Cc1c[nH]c2ccc(CO)cc12',
}


def record(name, smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f'RDKit cannot parse {name}: {smiles}')
    p = QED.properties(mol)
    scaffold = Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(mol), isomericSmiles=False)
    return {
        'name': name,
        'smiles': smiles,
        'canonical': Chem.MolToSmiles(mol),
        'qed': QED.qed(mol),
        'properties': {k: float(v) for k, v in p._asdict().items()},
        'logp': Crippen.MolLogP(mol),
        'mw': rdmd._CalcMolWt(mol),
        'tpsa': MolSurf.TPSA(mol),
        'hbd': rdmd.CalcNumHBD(mol),
        'hba': rdmd.CalcNumHBA(mol),
        'hbaCurrent': len(mol.GetSubstructMatches(HBA_CURRENT)),
        'rings': rdmd.CalcNumRings(mol),
        'rotatableBonds': rdmd.CalcNumRotatableBonds(mol, rdmd.NumRotatableBondsOptions.Strict),
        'scaffold': scaffold,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(repo, '..', 'shared', 'data', 'smiles'))
    ap.add_argument('--every', type=int, default=50, help='take every N-th line of test.smi (default 50: 200 molecules)')
    ap.add_argument('--out', default=os.path.join(repo, 'test', 'fixtures', 'qed-reference.json'))
    args = ap.parse_args()
    RDLogger.DisableLog('rdApp.*')

    test_smi = os.path.join(args.data, 'test.smi')
    if not os.path.exists(test_smi):
        sys.exit(f'{test_smi} not found: pass --data with the folder holding test.smi')
    with open(test_smi) as f:
        lines = [line.strip() for line in f if line.strip()]
    picked = lines[:: args.every]

    molecules = [record(name, smi) for name, smi in CLASSIC_DRUGS.items()]
    molecules += [record(f'test.smi:{i * args.every + 1}', smi) for i, smi in enumerate(picked)]
    out = {
        'generator': 'scripts/qed-fixture.py',
        'rdkitVersion': rdBase.rdkitVersion,
        'qedWeights': 'WEIGHT_MEAN',
        'source': f'test.smi every {args.every}th line, plus {len(CLASSIC_DRUGS)} classic drugs',
        'molecules': molecules,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {len(molecules)} molecules to {args.out} (RDKit {rdBase.rdkitVersion})')


if __name__ == '__main__':
    main()
