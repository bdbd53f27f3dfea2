// Parsing a user's .smi / .csv upload: format and column detection, junk lines counted with line numbers, size cap.
import { describe, expect, test } from 'vitest';
import { checkUploadSize, DEFAULT_MAX_UPLOAD_BYTES, parseMoleculeFile, smilesSyntaxProblem, UploadError } from '../../src/core/tasks/smilesData';
import { SmilesTokenizer } from '../../src/core/tasks/smilesTokenizer';
import { initChem, type Chem } from '../../src/core/chem/index';

describe('.smi files', () => {
  test('one SMILES per line, names after whitespace ignored, header and blank lines skipped, junk counted', async () => {
    const text = ['SMILES Name', 'CCO ethanol', '', 'c1ccccc1\tbenzene', 'hello, world!', 'CC(C', 'CC(=O)O', 'C[C@@H](N)C(=O)O  alanine'].join('\r\n');
    const r = await parseMoleculeFile(text, { fileName: 'mine.smi' });
    expect(r.format).toBe('smi');
    expect(r.smiles).toEqual(['CCO', 'c1ccccc1', 'CC(=O)O', 'C[C@@H](N)C(=O)O']);
    expect(r.junkCount).toBe(2);
    expect(r.junk.map((j) => j.line)).toEqual([5, 6]);
    expect(r.junk[0].reason).toMatch(/character ","/);
    expect(r.junk[1].reason).toMatch(/unclosed "\("/);
    expect(r.summary).toBe('4 molecules read; 2 invalid lines skipped (lines 5, 6)');
  });

  test('the chemistry check (RDKit) rejects syntactically plausible non-molecules', async () => {
    const chem: Chem = await initChem();
    const r = await parseMoleculeFile('CCO\nc1cccc1\nC1CC\nc1ccccc1\n', { isValid: (s) => chem.isValid(s) });
    expect(r.smiles).toEqual(['CCO', 'c1ccccc1']);
    expect(r.junk.map((j) => [j.line, j.reason])).toEqual([
      [2, 'not a valid molecule (RDKit could not parse it)'],
      [3, 'not a valid molecule (RDKit could not parse it)'],
    ]);
  });

  test('tokens outside the model vocabulary and over-long SMILES are junk', async () => {
    const tok = SmilesTokenizer.fromData(['CCO', 'c1ccccc1']);
    const r = await parseMoleculeFile(`CCO\nCCN\n${'C'.repeat(20)}\n`, { vocabulary: tok, maxTokens: 10 });
    expect(r.smiles).toEqual(['CCO']);
    expect(r.junk.map((j) => j.reason)).toEqual(['token "N" is not in the model\'s vocabulary', 'too long (20 tokens; at most 10)']);
  });
});

describe('.csv files', () => {
  test('the SMILES column is found by its header, quotes and other delimiters are understood', async () => {
    const text = 'id,name,SMILES,activity\n1,"ethanol, absolute",CCO,0.5\n2,benzene,c1ccccc1,1\n3,bad,,2\n4,"quoted ""x""",CC(=O)O,3\n';
    const r = await parseMoleculeFile(text, { fileName: 'assay.csv' });
    expect(r.format).toBe('csv');
    expect(r.column).toBe('SMILES');
    expect(r.smiles).toEqual(['CCO', 'c1ccccc1', 'CC(=O)O']);
    expect(r.junk).toEqual([{ line: 4, text: '3,bad,,2', reason: 'empty SMILES field' }]);

    const semi = await parseMoleculeFile('mol;value\nCCO;1\nCCN;2\n');
    expect(semi.format).toBe('csv');
    expect(semi.column).toBe('mol');
    expect(semi.smiles).toEqual(['CCO', 'CCN']);
  });

  test('without a named column, the column that looks most like SMILES is used (with or without a header)', async () => {
    const withHeader = await parseMoleculeFile('compound,structure_text,pIC50\nA1,CCOc1ccccc1,5.1\nA2,CC(=O)Nc1ccc(O)cc1,6.3\nA3,C1CCNCC1,4\n', { fileName: 'x.csv' });
    expect(withHeader.column).toBe('structure_text');
    expect(withHeader.smiles).toEqual(['CCOc1ccccc1', 'CC(=O)Nc1ccc(O)cc1', 'C1CCNCC1']);
    const noHeader = await parseMoleculeFile('7,CCO\n8,c1ccccc1\n', { fileName: 'y.csv' });
    expect(noHeader.column).toBe('column 2');
    expect(noHeader.smiles).toEqual(['CCO', 'c1ccccc1']);
  });

  test('a CSV with no SMILES-like column is refused with a message', async () => {
    await expect(parseMoleculeFile('a,b\n1,2\n3,4\n', { fileName: 'n.csv' })).rejects.toThrow(/No column .* looks like SMILES/);
  });
});

describe('size cap', () => {
  test('default cap is 20 MB; checkUploadSize explains the refusal', () => {
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(20 * 1024 * 1024);
    expect(checkUploadSize(1000)).toBeNull();
    expect(checkUploadSize(25 * 1024 * 1024)).toBe(
      'The file is 25.0 MB, over the 20.0 MB limit. Upload a smaller file (for example the first 100,000 molecules).',
    );
  });

  test('an oversize text is refused before parsing, counting UTF-8 bytes', async () => {
    const text = 'CCO\n'.repeat(300);
    await expect(parseMoleculeFile(text, { maxBytes: 1000 })).rejects.toThrow(UploadError);
    await expect(parseMoleculeFile(text, { maxBytes: 1000 })).rejects.toThrow(/over the 0\.0 MB limit/);
    expect((await parseMoleculeFile(text, { maxBytes: 1200 })).smiles).toHaveLength(300);
    // 260 two-byte characters: 260 characters but 520 bytes.
    await expect(parseMoleculeFile('é'.repeat(260), { maxBytes: 500 })).rejects.toThrow(UploadError);
  });
});

describe('syntax check', () => {
  test.each([
    ['CCO', null],
    ['', 'empty SMILES field'],
    ['C[NH3+', 'unclosed "["'],
    ['CC)', 'unmatched ")"'],
    ['CC]', 'unmatched "]"'],
    ['C C', 'character " " is not used in SMILES'],
    ['hello', '"h" is not an atom symbol outside brackets'],
    ['[Xe]Cl', null],
  ])('%j → %s', (s, problem) => {
    expect(smilesSyntaxProblem(s)).toBe(problem);
  });
});
