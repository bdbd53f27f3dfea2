// RLHF for the painter in the page: the "Paint from preferences" preset, the comparison view shows two paintings as
// canvases side by side, and a key press labels the pair. WASM, as in paint.spec.ts: a painter rollout takes about a
// second there, against tens of seconds on SwiftShader's WebGPU.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, stepCount } from './helpers';

/** Pixels of a canvas that are not white (a painting with strokes on it has some). */
async function painted(page: import('@playwright/test').Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k] < 250 || d[k + 1] < 250 || d[k + 2] < 250) n++;
    return n;
  });
}

test('compare two paintings and label the pair with the keyboard', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm#preset=paint-from-preferences');
  const panel = page.getByRole('region', { name: 'Compare samples' });
  await expect(panel).toContainText('Which painting do you prefer?');
  await panel.getByRole('button', { name: 'Start comparing' }).click();
  await expect(panel.getByRole('group', { name: /Pair to compare/ })).toBeFocused();

  // Two paintings, drawn as canvases (no text sample), side by side.
  const a = panel.locator('[data-testid="sample-a"] canvas[aria-label="Painting A"]');
  const b = panel.locator('[data-testid="sample-b"] canvas[aria-label="Painting B"]');
  await expect(a).toBeVisible({ timeout: 60_000 });
  await expect(b).toBeVisible();
  expect(await a.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([32, 32]);
  expect(await painted(page, '[data-testid="sample-a"] canvas')).toBeGreaterThan(0);
  expect(await painted(page, '[data-testid="sample-b"] canvas')).toBeGreaterThan(0);
  const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()];
  expect(boxB!.x).toBeGreaterThan(boxA!.x + boxA!.width);
  await expect(panel.getByTestId('sample-a').locator('.text')).toHaveCount(0);
  await expect(panel.getByTestId('label-count')).toHaveText('0 labels');

  // ← says A is better: one label from the person, and training did not start.
  await page.keyboard.press('ArrowLeft');
  await expect(panel.getByTestId('label-count')).toHaveText('1 label', { timeout: 30_000 });
  await expect(panel.getByTestId('preference-stats')).toContainText('1 yours, 0 simulated');
  await expect(panel.getByText('Last: A is better')).toBeVisible();
  // The next pair arrives; ↓ labels it a tie.
  await expect(a).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('ArrowDown');
  await expect(panel.getByTestId('label-count')).toHaveText('2 labels', { timeout: 30_000 });
  expect(await stepCount(page)).toBe(0);
  expect(errors).toEqual([]);
});
