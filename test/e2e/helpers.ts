// Shared steps of the end-to-end flows.
import { expect, type Page } from '@playwright/test';

/** Console errors and uncaught page errors, collected from the moment the page opens. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  return errors;
}

/** Loading the prior (or pretraining one) can take a while on a software GPU. */
export const READY_TIMEOUT_MS = 240_000;

export async function openReady(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
}

export async function stepCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('metric-step').textContent());
}

export async function rewardMean(page: Page): Promise<number> {
  return Number(await page.getByTestId('metric-reward-mean').textContent());
}

/** Waits until the Pause button is disabled again and the step count holds still. */
export async function waitIdle(page: Page): Promise<number> {
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  return stepCount(page);
}
