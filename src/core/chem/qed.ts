// QED, the quantitative estimate of drug-likeness, from its published definition.
//
//   Bickerton, G.R.; Paolini, G.V.; Besnard, J.; Muresan, S.; Hopkins, A.L. (2012)
//   "Quantifying the chemical beauty of drugs", Nature Chemistry 4, 90-98. https://doi.org/10.1038/nchem.1243
//
// QED = exp( Σ w_i ln d_i(x_i) / Σ w_i ), a weighted geometric mean of eight desirability functions d_i, each an
// "asymmetric double sigmoid" (ADS) of one property x_i, normalised by its maximum:
//
//   d(x) = [ a + b / (1 + exp(-(x - c + d/2) / e)) · (1 - 1 / (1 + exp(-(x - c - d/2) / f))) ] / dmax
//
// The properties follow RDKit's rdkit.Chem.QED.properties (the reference implementation our fixture is computed with):
//   MW     average molecular weight
//   ALOGP  Wildman-Crippen logP
//   HBA    number of atoms matching the acceptor SMARTS below (summed over the patterns)
//   HBD    Lipinski-style H-bond donors (RDKit CalcNumHBD)
//   PSA    topological polar surface area (Ertl), N and O only
//   ROTB   rotatable bonds, "strict" definition
//   AROM   rings left after deleting every aliphatic ring atom bonded to a non-aromatic atom (SMARTS below); RDKit
//          counts them with an SSSR, whose size is the cyclomatic number: bonds - atoms + connected components
//   ALERTS number of the structural alerts below that match at least once
//
// The numbers below (ADS parameters, weights) and the SMARTS lists are published constants: Bickerton et al. 2012,
// Supplementary Information, as transcribed in RDKit's rdkit/Chem/QED.py (descriptor version 1.1.0; RDKit 2022.09).
// The code is ours.
import type { JSMol, RDKitModule } from './rdkit';

export interface QedProperties {
  MW: number;
  ALOGP: number;
  HBA: number;
  HBD: number;
  PSA: number;
  ROTB: number;
  AROM: number;
  ALERTS: number;
}

export const QED_PROPERTY_NAMES = ['MW', 'ALOGP', 'HBA', 'HBD', 'PSA', 'ROTB', 'AROM', 'ALERTS'] as const;

/** Parameters of one asymmetric double sigmoid. */
export interface AdsParameters {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  dmax: number;
}

/** ADS parameters per property (Bickerton et al. 2012, SI; as in RDKit's QED.py). */
export const ADS_PARAMETERS: Readonly<Record<keyof QedProperties, AdsParameters>> = {
  MW: { a: 2.817065973, b: 392.5754953, c: 290.7489764, d: 2.419764353, e: 49.22325677, f: 65.37051707, dmax: 104.9805561 },
  ALOGP: { a: 3.172690585, b: 137.8624751, c: 2.534937431, d: 4.581497897, e: 0.822739154, f: 0.576295591, dmax: 131.3186604 },
  HBA: { a: 2.948620388, b: 160.4605972, c: 3.615294657, d: 4.435986202, e: 0.290141953, f: 1.300669958, dmax: 148.7763046 },
  HBD: { a: 1.618662227, b: 1010.051101, c: 0.985094388, d: 0.000000001, e: 0.713820843, f: 0.920922555, dmax: 258.1632616 },
  PSA: { a: 1.876861559, b: 125.2232657, c: 62.90773554, d: 87.83366614, e: 12.01999824, f: 28.51324732, dmax: 104.5686167 },
  ROTB: { a: 0.01, b: 272.4121427, c: 2.55837997, d: 1.565547684, e: 1.271567166, f: 2.758063707, dmax: 105.4420403 },
  AROM: { a: 3.21778897, b: 957.7374108, c: 2.274627939, d: 0.000000001, e: 1.317690384, f: 0.375760881, dmax: 312.337261 },
  ALERTS: { a: 0.01, b: 1199.094025, c: -0.09002883, d: 0.000000001, e: 0.185904477, f: 0.875193782, dmax: 417.725314 },
};

/** The paper's "mean" weights (QEDw,mo): the default QED. */
export const QED_WEIGHTS_MEAN: Readonly<QedProperties> = { MW: 0.66, ALOGP: 0.46, HBA: 0.05, HBD: 0.61, PSA: 0.06, ROTB: 0.65, AROM: 0.48, ALERTS: 0.95 };
/** The paper's "max" weights (QEDw,max). */
export const QED_WEIGHTS_MAX: Readonly<QedProperties> = { MW: 0.5, ALOGP: 0.25, HBA: 0, HBD: 0.5, PSA: 0, ROTB: 0.5, AROM: 0.25, ALERTS: 1 };
/** Unit weights (QEDw,u). */
export const QED_WEIGHTS_NONE: Readonly<QedProperties> = { MW: 1, ALOGP: 1, HBA: 1, HBD: 1, PSA: 1, ROTB: 1, AROM: 1, ALERTS: 1 };

/** Aliphatic ring atoms bonded to a non-aromatic atom: deleted before counting aromatic rings. */
export const ALIPHATIC_RING_SMARTS = '[$([A;R][!a])]';

/** Hydrogen-bond acceptor patterns (each matches single atoms). */
export const ACCEPTOR_SMARTS: readonly string[] = [
  '[oH0;X2]',
  '[OH1;X2;v2]',
  '[OH0;X2;v2]',
  '[OH0;X1;v2]',
  '[O-;X1]',
  '[SH0;X2;v2]',
  '[SH0;X1;v2]',
  '[S-;X1]',
  '[nH0;X2]',
  '[NH0;X1;v3]',
  '[$([N;+0;X3;v3]);!$(N[C,S]=O)]',
];

/** Structural alerts (unwanted functionalities), 116 patterns. */
export const STRUCTURAL_ALERT_SMARTS: readonly string[] = [
  '*1[O,S,N]*1',
  '[S,C](=[O,S])[F,Br,Cl,I]',
  '[CX4][Cl,Br,I]',
  '[#6]S(=O)(=O)O[#6]',
  '[$([CH]),$(CC)]#CC(=O)[#6]',
  '[$([CH]),$(CC)]#CC(=O)O[#6]',
  'n[OH]',
  '[$([CH]),$(CC)]#CS(=O)(=O)[#6]',
  'C=C(C=O)C=O',
  'n1c([F,Cl,Br,I])cccc1',
  '[CH1](=O)',
  '[#8][#8]',
  '[C;!R]=[N;!R]',
  '[N!R]=[N!R]',
  '[#6](=O)[#6](=O)',
  '[#16][#16]',
  '[#7][NH2]',
  'C(=O)N[NH2]',
  '[#6]=S',
  '[$([CH2]),$([CH][CX4]),$(C([CX4])[CX4])]=[$([CH2]),$([CH][CX4]),$(C([CX4])[CX4])]',
  'C1(=[O,N])C=CC(=[O,N])C=C1',
  'C1(=[O,N])C(=[O,N])C=CC=C1',
  'a21aa3a(aa1aaaa2)aaaa3',
  'a31a(a2a(aa1)aaaa2)aaaa3',
  'a1aa2a3a(a1)A=AA=A3=AA=A2',
  'c1cc([NH2])ccc1',
  '[Hg,Fe,As,Sb,Zn,Se,se,Te,B,Si,Na,Ca,Ge,Ag,Mg,K,Ba,Sr,Be,Ti,Mo,Mn,Ru,Pd,Ni,Cu,Au,Cd,Al,Ga,Sn,Rh,Tl,Bi,Nb,Li,Pb,Hf,Ho]',
  'I',
  'OS(=O)(=O)[O-]',
  '[N+](=O)[O-]',
  'C(=O)N[OH]',
  'C1NC(=O)NC(=O)1',
  '[SH]',
  '[S-]',
  'c1ccc([Cl,Br,I,F])c([Cl,Br,I,F])c1[Cl,Br,I,F]',
  'c1cc([Cl,Br,I,F])cc([Cl,Br,I,F])c1[Cl,Br,I,F]',
  '[CR1]1[CR1][CR1][CR1][CR1][CR1][CR1]1',
  '[CR1]1[CR1][CR1]cc[CR1][CR1]1',
  '[CR2]1[CR2][CR2][CR2][CR2][CR2][CR2][CR2]1',
  '[CR2]1[CR2][CR2]cc[CR2][CR2][CR2]1',
  '[CH2R2]1N[CH2R2][CH2R2][CH2R2][CH2R2][CH2R2]1',
  '[CH2R2]1N[CH2R2][CH2R2][CH2R2][CH2R2][CH2R2][CH2R2]1',
  'C#C',
  '[OR2,NR2]@[CR2]@[CR2]@[OR2,NR2]@[CR2]@[CR2]@[OR2,NR2]',
  '[$([N+R]),$([n+R]),$([N+]=C)][O-]',
  '[#6]=N[OH]',
  '[#6]=NOC=O',
  '[#6](=O)[CX4,CR0X3,O][#6](=O)',
  'c1ccc2c(c1)ccc(=O)o2',
  '[O+,o+,S+,s+]',
  'N=C=O',
  '[NX3,NX4][F,Cl,Br,I]',
  'c1ccccc1OC(=O)[#6]',
  '[CR0]=[CR0][CR0]=[CR0]',
  '[C+,c+,C-,c-]',
  'N=[N+]=[N-]',
  'C12C(NC(N1)=O)CSC2',
  'c1c([OH])c([OH,NH2,NH])ccc1',
  'P',
  '[N,O,S]C#N',
  'C=C=O',
  '[Si][F,Cl,Br,I]',
  '[SX2]O',
  '[SiR0,CR0](c1ccccc1)(c2ccccc2)(c3ccccc3)',
  'O1CCCCC1OC2CCC3CCCCC3C2',
  'N=[CR0][N,n,O,S]',
  '[cR2]1[cR2][cR2]([Nv3X3,Nv4X4])[cR2][cR2][cR2]1[cR2]2[cR2][cR2][cR2]([Nv3X3,Nv4X4])[cR2][cR2]2',
  'C=[C!r]C#N',
  '[cR2]1[cR2]c([N+0X3R0,nX3R0])c([N+0X3R0,nX3R0])[cR2][cR2]1',
  '[cR2]1[cR2]c([N+0X3R0,nX3R0])[cR2]c([N+0X3R0,nX3R0])[cR2]1',
  '[cR2]1[cR2]c([N+0X3R0,nX3R0])[cR2][cR2]c1([N+0X3R0,nX3R0])',
  '[OH]c1ccc([OH,NH2,NH])cc1',
  'c1ccccc1OC(=O)O',
  '[SX2H0][N]',
  'c12ccccc1(SC(S)=N2)',
  'c12ccccc1(SC(=S)N2)',
  'c1nnnn1C=O',
  's1c(S)nnc1NC=O',
  'S1C=CSC1=S',
  'C(=O)Onnn',
  'OS(=O)(=O)C(F)(F)F',
  'N#CC[OH]',
  'N#CC(=O)',
  'S(=O)(=O)C#N',
  'N[CH2]C#N',
  'C1(=O)NCC1',
  'S(=O)(=O)[O-,OH]',
  'NC[F,Cl,Br,I]',
  'C=[C!r]O',
  '[NX2+0]=[O+0]',
  '[OR0,NR0][OR0,NR0]',
  'C(=O)O[C,H1].C(=O)O[C,H1].C(=O)O[C,H1]',
  '[CX2R0][NX3R0]',
  'c1ccccc1[C;!R]=[C;!R]c2ccccc2',
  '[NX3R0,NX4R0,OR0,SX2R0][CX4][NX3R0,NX4R0,OR0,SX2R0]',
  '[s,S,c,C,n,N,o,O]~[n+,N+](~[s,S,c,C,n,N,o,O])(~[s,S,c,C,n,N,o,O])~[s,S,c,C,n,N,o,O]',
  '[s,S,c,C,n,N,o,O]~[nX3+,NX3+](~[s,S,c,C,n,N])~[s,S,c,C,n,N]',
  '[*]=[N+]=[*]',
  '[SX3](=O)[O-,OH]',
  'N#N',
  'F.F.F.F',
  '[R0;D2][R0;D2][R0;D2][R0;D2]',
  '[cR,CR]~C(=O)NC(=O)~[cR,CR]',
  'C=!@CC=[O,S]',
  '[#6,#8,#16][#6](=O)O[#6]',
  'c[C;R0](=[O,S])[#6]',
  'c[SX2][C;!R]',
  'C=C=C',
  'c1nc([F,Cl,Br,I,S])ncc1',
  'c1ncnc([F,Cl,Br,I,S])c1',
  'c1nc(c2c(n1)nc(n2)[F,Cl,Br,I])',
  '[#6]S(=O)(=O)c1ccc(cc1)F',
  '[15N]',
  '[13C]',
  '[18O]',
  '[34S]',
];

/** The asymmetric double sigmoid, divided by its maximum so that it lies in (0, 1]. */
export function ads(x: number, p: AdsParameters): number {
  const rise = 1 + Math.exp(-(x - p.c + p.d / 2) / p.e);
  const fall = 1 + Math.exp(-(x - p.c - p.d / 2) / p.f);
  return (p.a + (p.b / rise) * (1 - 1 / fall)) / p.dmax;
}

/** QED from the eight properties: the weighted geometric mean of their desirabilities. */
export function qedFromProperties(props: QedProperties, weights: Readonly<QedProperties> = QED_WEIGHTS_MEAN): number {
  let logSum = 0;
  let weightSum = 0;
  for (const name of QED_PROPERTY_NAMES) {
    logSum += weights[name] * Math.log(ads(props[name], ADS_PARAMETERS[name]));
    weightSum += weights[name];
  }
  return Math.exp(logSum / weightSum);
}

interface QedQueries {
  aliphaticRings: JSMol;
  acceptors: JSMol[];
  alerts: JSMol[];
}

// Query molecules are compiled once per RDKit module and kept for the page's lifetime (about 130 small objects).
const queryCache = new WeakMap<RDKitModule, QedQueries>();

function compileQuery(rdkit: RDKitModule, smarts: string): JSMol {
  const q = rdkit.get_qmol(smarts);
  if (!q || !q.is_valid()) throw new Error(`QED: RDKit rejected the SMARTS ${smarts}`);
  return q;
}

function queries(rdkit: RDKitModule): QedQueries {
  let q = queryCache.get(rdkit);
  if (!q) {
    q = {
      aliphaticRings: compileQuery(rdkit, ALIPHATIC_RING_SMARTS),
      acceptors: ACCEPTOR_SMARTS.map((s) => compileQuery(rdkit, s)),
      alerts: STRUCTURAL_ALERT_SMARTS.map((s) => compileQuery(rdkit, s)),
    };
    queryCache.set(rdkit, q);
  }
  return q;
}

/** All matches of a query, as lists of atom indices ([] when none). */
export function substructMatches(mol: JSMol, query: JSMol): number[][] {
  const json = mol.get_substruct_matches(query);
  const parsed = JSON.parse(json) as { atoms: number[] }[] | Record<string, never>;
  return Array.isArray(parsed) ? parsed.map((m) => m.atoms) : [];
}

/** Whether a query matches at least once. */
export function hasMatch(mol: JSMol, query: JSMol): boolean {
  const json = mol.get_substruct_match(query);
  return json !== '{}' && json.includes('"atoms"');
}

/** The molecule's graph as heavy-atom count and bond list (RDKit's JSON, hydrogens implicit). */
export interface MolGraph {
  atoms: number;
  bonds: [number, number][];
}

export function molGraph(mol: JSMol): MolGraph {
  const doc = JSON.parse(mol.get_json()) as { molecules: { atoms: unknown[]; bonds?: { atoms: [number, number] }[] }[] };
  const m = doc.molecules[0];
  return { atoms: m.atoms.length, bonds: (m.bonds ?? []).map((b) => b.atoms) };
}

/** Cyclomatic number (number of SSSR rings) of the graph after removing some atoms: E - V + components. */
export function ringCountWithout(graph: MolGraph, removed: ReadonlySet<number>): number {
  const parent = Array.from({ length: graph.atoms }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  let vertices = 0;
  for (let i = 0; i < graph.atoms; i++) if (!removed.has(i)) vertices++;
  let edges = 0;
  let components = vertices;
  for (const [a, b] of graph.bonds) {
    if (removed.has(a) || removed.has(b)) continue;
    edges++;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  return edges - vertices + components;
}

/** The subset of RDKit's descriptor JSON that QED needs. */
export interface RDKitDescriptorJson {
  amw: number;
  CrippenClogP: number;
  NumHBD: number;
  tpsa: number;
  NumRotatableBonds: number;
}

/** The eight QED properties of a parsed molecule (hydrogens implicit, as RDKit's SMILES parser leaves them). */
export function qedProperties(rdkit: RDKitModule, mol: JSMol, descriptors?: RDKitDescriptorJson): QedProperties {
  const q = queries(rdkit);
  const d = descriptors ?? (JSON.parse(mol.get_descriptors()) as RDKitDescriptorJson);
  let hba = 0;
  for (const acceptor of q.acceptors) hba += substructMatches(mol, acceptor).length;
  const removed = new Set<number>();
  for (const match of substructMatches(mol, q.aliphaticRings)) for (const a of match) removed.add(a);
  const arom = ringCountWithout(molGraph(mol), removed);
  let alerts = 0;
  for (const alert of q.alerts) if (hasMatch(mol, alert)) alerts++;
  return { MW: d.amw, ALOGP: d.CrippenClogP, HBA: hba, HBD: d.NumHBD, PSA: d.tpsa, ROTB: d.NumRotatableBonds, AROM: arom, ALERTS: alerts };
}

/** QED of a parsed molecule with the paper's mean weights. */
export function qedOfMol(rdkit: RDKitModule, mol: JSMol, descriptors?: RDKitDescriptorJson): number {
  return qedFromProperties(qedProperties(rdkit, mol, descriptors));
}
