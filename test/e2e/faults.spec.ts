// When things go wrong the page says so: a fallback backend shows its reason; a bad address option is reported.
import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers';

test('a requested fallback backend shows on the badge with the reason', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm', { timeout: 120_000 });
  await expect(page.getByText(/Fallback: webgpu: skipped: wasm was requested/)).toBeVisible();
  expect(errors).toEqual([]);
});

test('an unknown ?backend= value is reported and the automatic choice is used', async ({ page }) => {
  await page.goto('/?backend=quantum');
  await expect(page.getByTestId('error-banner')).toContainText('Unknown backend "quantum"');
  await expect(page.getByTestId('backend-badge')).toHaveText(/^(webgpu|webgl|wasm|cpu)$/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
