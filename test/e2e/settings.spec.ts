// Editing settings: a bad value is refused with a message naming the field and the run keeps its valid settings;
// weights move live; reward terms can be added and removed.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, stepCount, waitIdle } from './helpers';

test('an out-of-range learning rate is refused next to its field, and the run keeps going on the previous one', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  const rate = page.getByLabel('Learning rate', { exact: true });
  await rate.fill('100');
  await rate.press('Tab');
  await expect(page.locator('#field-learningRate-error')).toHaveText(/Learning rate must be between .* and 10/);
  await expect(rate).toHaveAttribute('aria-invalid', 'true');

  const before = await stepCount(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText(String(before + 1));
  await waitIdle(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  await rate.fill('0.002');
  await rate.press('Tab');
  await expect(page.locator('#field-learningRate-error')).toHaveCount(0);
  await expect(rate).not.toHaveAttribute('aria-invalid', 'true');
  expect(errors).toEqual([]);
});

test('a weight change during a run is marked on the next update, and terms can be added and removed', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  await page.getByLabel('Add a term').selectOption({ label: 'Target length' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Target length' })).toBeVisible();

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText('1');
  await waitIdle(page);

  const weight = page.getByRole('slider', { name: 'Weight of Target length' });
  await weight.focus();
  await weight.press('ArrowRight');
  await weight.press('ArrowRight');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText('2');
  await expect(page.getByText(/^update 2: .*target_length weight [0-9.]+→1\.2$/)).toBeVisible();

  await waitIdle(page);
  await page.getByRole('button', { name: 'Remove Target length' }).click();
  await expect(page.getByRole('heading', { name: 'Target length' })).toHaveCount(0);
  expect(errors).toEqual([]);
});
