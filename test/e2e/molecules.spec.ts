// The molecule task in the page: a query SMILES or SMARTS that RDKit cannot read is refused beside its field (checked in
// the Worker, where RDKit lives), the run keeps its previous valid settings, and a corrected value is accepted; the
// best molecules of a batch are shown as RDKit drawings; the syntax guard setting starts a new run and travels in links.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, openReady, READY_TIMEOUT_MS, waitIdle } from './helpers';

/**
 * The page on WASM (one molecule update on SwiftShader's WebGPU takes minutes on a 2-core machine without a GPU), switched
 * to Molecules, once the new run's own status says its prior is loaded: for a moment after the switch the names run's
 * buttons are still enabled.
 */
async function openMolecules(page: Page): Promise<void> {
  await openReady(page, '/?backend=wasm');
  await page.locator('#field-task').selectOption({ label: 'Molecules (SMILES)' });
  await expect(page.getByTestId('status-message')).toContainText('Molecules prior loaded', { timeout: READY_TIMEOUT_MS });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
}

test('an unreadable query SMILES or SMARTS is refused next to its field, and training keeps the valid settings', async ({ page }) => {
  const errors = collectErrors(page);
  await openMolecules(page);

  await page.getByLabel('Add a term').selectOption({ label: 'Similarity to a molecule' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const query = page.getByLabel('Query SMILES', { exact: true });
  await query.fill('C1CC(');
  await query.press('Tab');
  const queryError = page.locator('[id$="-params-query-error"]');
  await expect(queryError).toBeVisible();
  await expect(queryError).toContainText(/SMILES/);
  await expect(query).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('config-problems')).toContainText('previous valid settings stay in force');

  await page.getByLabel('Add a term').selectOption({ label: 'Substructure' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const smarts = page.getByLabel('SMARTS', { exact: true });
  await smarts.fill('c1ccc(');
  await smarts.press('Tab');
  const smartsError = page.locator('[id$="-params-smarts-error"]');
  await expect(smartsError).toBeVisible();
  await expect(smartsError).toContainText(/SMARTS/);

  // The Worker still holds the last valid settings: a step runs on them without a fault.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText('1', { timeout: READY_TIMEOUT_MS });
  await waitIdle(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  // The best molecules of the batch are drawn by RDKit in the Worker and shown as images with SVG data URLs.
  const drawing = page.getByTestId('molecule-drawings').locator('img').first();
  await expect(drawing).toBeVisible();
  expect(await drawing.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3C/);
  expect(await drawing.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await query.fill('c1ccccc1O');
  await query.press('Tab');
  await smarts.fill('[OX2H]');
  await smarts.press('Tab');
  await expect(queryError).toHaveCount(0);
  await expect(smartsError).toHaveCount(0);
  await expect(page.getByTestId('config-problems')).toHaveCount(0);
  expect(errors).toEqual([]);
});

const OWN_MOLECULES = [
  'CCO', 'c1ccccc1', 'CC(=O)O', 'CCN(CC)CC', 'c1ccccc1O', 'CC(C)O', 'CCOC(=O)C', 'c1ccncc1', 'C1CCCCC1', 'CC(=O)Nc1ccc(O)cc1',
  'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'OC(=O)c1ccccc1', 'CCCCCC', 'c1ccc2ccccc2c1', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O',
  'O=C(O)CC(O)(CC(=O)O)C(=O)O', 'NCCc1ccc(O)c(O)c1', 'CC(=O)Oc1ccccc1C(=O)O', 'c1ccsc1', 'C1CCOC1',
];

test('an uploaded .smi file fine-tunes the prior in the Worker: junk lines are counted, a file over the cap is refused', async ({ page }) => {
  const errors = collectErrors(page);
  await openMolecules(page);
  await page.getByText('Your own molecules (.smi or .csv)').click();
  const input = page.getByTestId('molecule-upload');
  const train = page.getByRole('button', { name: 'Train the prior on this file' });

  // Over the 20 MB cap: refused in the page before anything is read or sent.
  await input.setInputFiles({ name: 'huge.smi', mimeType: 'text/plain', buffer: Buffer.alloc(21 * 1024 * 1024, 'C\n') });
  await expect(page.getByRole('alert').filter({ hasText: 'over the 20.0 MB limit' })).toBeVisible();
  await expect(train).toBeDisabled();

  // Lines 3, 6, 9 and 12 are junk: not SMILES, an unclosed branch, an element outside the vocabulary, an open ring.
  const lines = [...OWN_MOLECULES];
  lines.splice(2, 0, 'not a smiles!');
  lines.splice(5, 0, 'C1CC(');
  lines.splice(8, 0, 'CC[Xe]');
  lines.splice(11, 0, 'C1CC');
  await input.setInputFiles({ name: 'mine.smi', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n') + '\n') });
  await train.click();
  const result = page.getByTestId('molecule-upload-result');
  await expect(result).toContainText('20 molecules read; 4 invalid lines skipped (lines 3, 6, 9, 12)', { timeout: READY_TIMEOUT_MS });
  await expect(result).toContainText('a new run starts from this prior');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText('1', { timeout: READY_TIMEOUT_MS });
  await waitIdle(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the syntax guard is a Molecules setting: it starts a new run, travels in the link and comes back from it', async ({ page }) => {
  const errors = collectErrors(page);
  await openMolecules(page);
  const guard = page.getByLabel('Syntax guard');
  await expect(guard).toHaveValue('off');
  const before = page.url();

  await guard.selectOption('on');
  await expect.poll(() => page.url()).not.toBe(before);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText('1', { timeout: READY_TIMEOUT_MS });
  await waitIdle(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  const link = page.url();
  await page.goto('about:blank');
  await openReady(page, link.slice(link.indexOf('/?')));
  await expect(page.getByLabel('Syntax guard')).toHaveValue('on');
  await expect(page.locator('#field-task')).toHaveValue('molecules');
  expect(errors).toEqual([]);
});
