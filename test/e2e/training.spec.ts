// The Names demo as a user meets it: open the page, train, watch the reward rise, pause, step.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, rewardMean, stepCount, waitIdle } from './helpers';

test('the page loads without console errors and shows the backend', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  await expect(page).toHaveTitle(/RewardLab/);
  await expect(page.getByTestId('backend-badge')).toHaveText(/^(webgpu|webgl|wasm|cpu)$/);
  await expect(page.getByTestId('metric-step')).toHaveText('0');
  expect(errors).toEqual([]);
});

test('Train advances the run and the mean reward rises within 60 s; Pause stops it; Step does one update', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  const pause = page.getByRole('button', { name: 'Pause', exact: true });
  const step = page.getByRole('button', { name: 'Step', exact: true });

  await train.click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('samples').locator(':scope > *').first()).toBeVisible();

  // The first few updates set the level; a later reading must beat it clearly (single batches are noisy).
  const early: number[] = [];
  await expect
    .poll(
      async () => {
        early.push(await rewardMean(page));
        return new Set(early).size;
      },
      { timeout: 30_000, intervals: [300] },
    )
    .toBeGreaterThanOrEqual(3);
  const start = Math.max(...early.slice(0, 3));
  const trainingStarted = Date.now();
  await expect.poll(() => rewardMean(page), { timeout: 60_000, intervals: [500] }).toBeGreaterThan(start + 0.1);
  test.info().annotations.push({ type: 'reward', description: `rose above ${start.toFixed(3)} + 0.1 in ${((Date.now() - trainingStarted) / 1000).toFixed(1)} s` });

  await pause.click();
  const paused = await waitIdle(page);
  await page.waitForTimeout(2_000);
  expect(await stepCount(page)).toBe(paused);

  await step.click();
  await expect(page.getByTestId('metric-step')).toHaveText(String(paused + 1));
  await waitIdle(page);
  await page.waitForTimeout(1_500);
  expect(await stepCount(page)).toBe(paused + 1);

  const samples = page.getByTestId('samples').locator(':scope > *');
  expect(await samples.count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
