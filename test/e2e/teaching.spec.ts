// Step mode as a lecturer uses it: one update at a time, with each stage's equation and numbers, and the samples'
// tokens coloured by the advantage the update gave them.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, waitIdle } from './helpers';

test('Step shows the anatomy of the update and colours tokens by advantage', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  const anatomy = page.getByRole('region', { name: 'How the last update worked' });
  await expect(anatomy).toContainText('Press Step');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await waitIdle(page);
  await expect(anatomy).toContainText('Update 1');
  for (const stage of ['1. Rollout', '2. Rewards', '3. Advantages', '4. Gradient step']) await expect(anatomy).toContainText(stage);
  await expect(anatomy).toContainText('baseline b');

  // The first 16 samples carry one coloured span per token; the list still has one element per sample.
  const samples = page.getByTestId('samples').locator(':scope > li');
  await expect(samples).toHaveCount(64);
  await expect(page.getByTestId('samples').locator('.tok').first()).toBeVisible();
  await expect(page.getByText('Colour each token by its advantage')).toBeVisible();

  // Switching the algorithm changes the equations shown.
  await page.getByRole('combobox', { name: 'Algorithm', exact: true }).selectOption('ppo');
  await expect(anatomy).toContainText('clip(ρₜ');
  expect(errors).toEqual([]);
});
