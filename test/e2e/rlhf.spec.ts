// RLHF in the page: compare pairs of samples with the keyboard; the labels count up and, once a label is held out,
// the reward model's held-out accuracy appears. The keys belong to the comparison view while it has focus: space
// skips a pair there instead of starting training.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, stepCount } from './helpers';

test('label pairs with the keyboard: the count and the reward model accuracy appear', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  const panel = page.getByRole('region', { name: 'Compare samples' });
  await panel.getByRole('button', { name: 'Start comparing' }).click();
  const pair = panel.getByRole('group', { name: /Pair to compare/ });
  await expect(pair).toBeFocused();
  await expect(panel.getByTestId('sample-a')).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByTestId('label-count')).toHaveText('0 labels');

  // Space skips: no label, and training does not start.
  const first = await panel.getByTestId('sample-a').textContent();
  await page.keyboard.press(' ');
  await expect(panel.getByText('Last: Skipped')).toBeVisible();
  await expect(panel.getByTestId('sample-a')).not.toHaveText(first ?? '', { timeout: 30_000 });
  await expect(panel.getByTestId('label-count')).toHaveText('0 labels');
  expect(await stepCount(page)).toBe(0);

  // Five labels: A, B, tie, A, B. The fifth is held out (every fifth is), and it is not a tie.
  const keys = ['ArrowLeft', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowRight'];
  for (const [i, key] of keys.entries()) {
    await expect(panel.getByTestId('sample-a')).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press(key);
    await expect(panel.getByTestId('label-count')).toHaveText(`${i + 1} label${i === 0 ? '' : 's'}`, { timeout: 30_000 });
  }
  await expect(panel.getByTestId('preference-stats')).toContainText('5 yours, 0 simulated');
  await expect(panel.getByTestId('reward-model-accuracy')).toHaveText(/^(0|100)%$/, { timeout: 30_000 });
  await expect(panel.getByTestId('preference-stats')).toContainText('on 1 pair');

  // The mouse works too.
  await panel.getByTestId('sample-b').click();
  await expect(panel.getByTestId('label-count')).toHaveText('6 labels', { timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('the simulated annotator settings: pick a rule, edit its parameter, a bad flip probability is refused beside its field', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  const panel = page.getByRole('region', { name: 'Learned rewards' });
  await expect(panel.getByLabel('Flip probability p')).toHaveCount(0); // no annotator, no noise settings
  const hashBefore = await page.evaluate(() => location.hash);
  await panel.getByLabel('Labels pairs by').selectOption({ label: 'Ends with' });
  await expect(panel.getByLabel('Suffix')).toHaveValue('a');
  await panel.getByLabel('Suffix').fill('ia');
  await panel.getByLabel('Suffix').press('Tab');
  const flip = panel.getByLabel('Flip probability p');
  await flip.fill('0.7');
  await flip.press('Tab');
  await expect(page.locator('#field-learned-annotator-flip-error')).toHaveText(/The flip probability must be at most 0.5/);
  await flip.fill('0.2');
  await flip.press('Tab');
  await expect(page.locator('#field-learned-annotator-flip-error')).toHaveCount(0);
  // The accepted settings reach the link.
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(hashBefore);
  // Bradley–Terry noise swaps the flip probability for a temperature.
  await panel.getByLabel('Annotator noise').selectOption({ label: 'Bradley–Terry sampling' });
  await expect(panel.getByLabel('Temperature τ')).toBeVisible();
  await expect(panel.getByLabel('Flip probability p')).toHaveCount(0);
  expect(errors).toEqual([]);
});
