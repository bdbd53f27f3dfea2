// Experiment links and checkpoints as a user meets them: a run survives a reload, a copied link reproduces a run in
// another page, a malformed link is refused with a banner, and teacher-mode links hide what they name.
import { expect, test, type Page } from '@playwright/test';
import { decodeHash } from '../../src/share';
import { collectErrors, openReady, rewardMean, stepCount, waitIdle } from './helpers';

async function stepOnce(page: Page): Promise<number> {
  const before = await stepCount(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText(String(before + 1));
  await waitIdle(page);
  return rewardMean(page);
}

test('train, reload the page, resume the last run: the update counter continues', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const paused = await waitIdle(page);
  // The autosave on Pause shows up in the checkpoints list.
  await expect(page.getByTestId('checkpoint-row').filter({ hasText: `update ${paused}` })).toHaveCount(1);

  await page.reload();
  const resume = page.getByRole('button', { name: `Resume last run (update ${paused})` });
  await expect(resume).toBeVisible({ timeout: 240_000 });
  await resume.click();
  await expect(page.getByTestId('metric-step')).toHaveText(String(paused));
  await waitIdle(page);
  await stepOnce(page);
  expect(await stepCount(page)).toBe(paused + 1);
  expect(errors).toEqual([]);
});

test('a copied link opens the same settings in a new page and gives the same first rewards', async ({ page, context }) => {
  const errors = collectErrors(page);
  await openReady(page);
  await page.getByText('Seed and model size').click();
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('7');
  await seed.press('Tab');
  const rate = page.getByLabel('Learning rate', { exact: true });
  await rate.fill('0.003');
  await rate.press('Tab');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 120_000 });
  // The address follows the accepted settings.
  await expect.poll(() => decodeHash(new URL(page.url()).hash).config).toMatchObject({ seed: 7, learningRate: 0.003 });
  const first = [await stepOnce(page), await stepOnce(page)];

  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = page.url();
  const other = await context.newPage();
  const otherErrors = collectErrors(other);
  await openReady(other, link);
  await other.getByText('Seed and model size').click();
  await expect(other.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect(other.getByLabel('Learning rate', { exact: true })).toHaveValue('0.003');
  const second = [await stepOnce(other), await stepOnce(other)];
  expect(second).toEqual(first);
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test('a malformed link shows a banner, falls back to the defaults, and the app still trains', async ({ page }) => {
  const errors = collectErrors(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await openReady(page, '/#v1.<img src=x onerror=alert(1)>N4Ig%%%');
  await expect(page.getByTestId('link-banner')).toContainText('This link could not be opened');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.001');
  await stepOnce(page);
  expect(dialogs).toBe(0);
  expect(errors).toEqual([]);
});

test('a teacher-mode link starts from a preset and hides the panels it names', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/#preset=names-with-ann&hide=presets,checkpoints,algorithm.klCoef');
  await expect(page.getByRole('heading', { name: 'Contains' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Presets' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Checkpoints' })).toHaveCount(0);
  await expect(page.getByLabel('Learning rate', { exact: true })).toBeVisible();
  await expect(page.getByLabel('β (KL penalty)', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('link-banner')).toHaveCount(0);
  expect(errors).toEqual([]);
});
