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

test('a clicked sample stays pinned with its reward breakdown; the scrubber shows earlier updates; How it works renders equations', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  for (let i = 1; i <= 2; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('metric-step')).toHaveText(String(i));
    await waitIdle(page);
  }
  const first = page.getByTestId('samples').locator(':scope > li').first();
  const text = (await first.locator('.text').textContent()) ?? '';
  await first.getByRole('button').click();
  const pinned = page.getByTestId('pinned-sample');
  await expect(pinned).toContainText('Pinned from update 2');
  await expect(pinned).toContainText('Ends with');
  await expect(pinned).toContainText('Total reward');
  await expect(pinned).toContainText(text.replaceAll('⏎', '').trim());

  const scrubber = page.getByRole('slider', { name: /Samples of update/ });
  await scrubber.fill('0');
  const samplesPanel = page.getByRole('region', { name: 'Latest samples' });
  await expect(samplesPanel).toContainText('update 1 ·');
  await samplesPanel.getByRole('button', { name: 'Latest', exact: true }).click();
  await expect(samplesPanel).toContainText('update 2 ·');
  await expect(pinned).toContainText('Pinned from update 2');

  await page.getByText('How it works').click();
  const how = page.getByRole('region', { name: 'How it works' });
  await expect(how.locator('math').first()).toBeVisible();
  await expect(how).toContainText('REINFORCE');
  await expect(how.getByTestId('how-live')).toContainText('Last update (2)');
  expect(errors).toEqual([]);
});
