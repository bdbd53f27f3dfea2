// When things go wrong the page says so: a fallback backend shows its reason; a bad address option is reported.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, READY_TIMEOUT_MS, stepCount, waitIdle } from './helpers';

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

test('a Worker that crashes mid-run is reported; Restart brings it back on the last autosave with the same settings', async ({ page }) => {
  await openReady(page, '/?backend=wasm');
  await page.getByText('Seed and model size').click();
  await page.getByLabel('Seed', { exact: true }).fill('17');
  await page.getByLabel('Seed', { exact: true }).press('Enter');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const paused = await waitIdle(page); // Pause autosaves

  // An uncaught exception inside the training Worker, as a bug there would throw it.
  const worker = page.workers().find((w) => w.url().includes('trainer'));
  expect(worker, 'the training Worker is running').toBeTruthy();
  await worker!.evaluate(() => setTimeout(() => {
    throw new Error('injected crash');
  }, 0));
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText('The training Worker crashed (uncaught error');
  await expect(banner).toContainText('injected crash');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled(); // nothing could reach the dead Worker

  await banner.getByRole('button', { name: 'Restart and resume' }).click();
  await expect(page.getByText(`Resumed "Autosave of run`).first()).toBeVisible({ timeout: READY_TIMEOUT_MS });
  await expect(page.getByTestId('metric-step')).toHaveText(String(paused));
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('17');
  await waitIdle(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('metric-step')).toHaveText(String(paused + 1), { timeout: 60_000 });
});

test('on a software GPU the page suggests WebAssembly, and the switch keeps the experiment', async ({ page }) => {
  await openReady(page);
  const adapter = (await page.getByTestId('backend-badge').getAttribute('title')) ?? '';
  await page.locator('#field-task').selectOption({ label: 'Paint (strokes)' });
  const hint = page.getByTestId('slow-backend-hint');
  if (!/swiftshader/i.test(adapter)) {
    // A hardware GPU: WebGPU is the fast path, so there is nothing to suggest.
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
    await expect(hint).toHaveCount(0);
    return;
  }
  await expect(hint).toContainText('faster on WebAssembly', { timeout: READY_TIMEOUT_MS });
  await hint.getByRole('button', { name: 'Use WebAssembly' }).click();
  await expect(page).toHaveURL(/[?&]backend=wasm/);
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm', { timeout: READY_TIMEOUT_MS });
  await expect(page.locator('#field-task')).toHaveValue('paint');
  await expect(page.getByTestId('slow-backend-hint')).toHaveCount(0);
});

test('a tab frozen in the background (as browsers do to hidden tabs) resumes training when it comes back', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await new Promise((r) => setTimeout(r, 5_000));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  const afterThaw = await stepCount(page);
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(afterThaw);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await waitIdle(page);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(errors).toEqual([]);
});
