// The Paint task in the page: pick it, see the target, train a few updates, see the batch's canvases, the replay and the
// distance plot; bad uploads and REINVENT are refused with messages, and the draw-your-own pad sets a custom target.
import { expect, test } from '@playwright/test';
import { collectErrors, openReady, READY_TIMEOUT_MS, stepCount, waitIdle } from './helpers';

/** How many pixels of a <canvas> are not white (the canvases are drawn with putImageData, never as HTML). */
async function coloured(page: import('@playwright/test').Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k] < 250 || d[k + 1] < 250 || d[k + 2] < 250) n++;
    return n;
  });
}

test('Paint: train a few updates and see canvases, the replay and the plots', async ({ page }) => {
  const errors = collectErrors(page);
  // WASM: a painter update takes about a second there, against tens of seconds on SwiftShader's WebGPU.
  await openReady(page, '/?backend=wasm');
  await page.locator('#field-task').selectOption({ label: 'Paint (strokes)' });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  const panel = page.getByTestId('paint-panel');
  await expect(panel).toBeVisible();
  // The circle target is drawn in the panel.
  expect(await coloured(page, '[data-testid="paint-panel"] canvas[aria-label="Target"]')).toBeGreaterThan(100);

  // REINVENT is sequence-only: refused beside its field, the run keeps A2C.
  await page.locator('#field-algorithm-name').selectOption({ label: 'REINVENT (augmented likelihood)' });
  await expect(page.getByTestId('config-problems')).toContainText('REINVENT');
  await page.locator('#field-algorithm-name').selectOption({ label: 'Actor-critic (A2C + GAE)' });
  await expect(page.getByTestId('config-problems')).toHaveCount(0);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: READY_TIMEOUT_MS }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await waitIdle(page);

  const grid = page.getByTestId('paint-canvases').locator('canvas');
  await expect(grid).toHaveCount(8);
  expect(await coloured(page, '[data-testid="paint-canvases"] canvas')).toBeGreaterThan(0);
  await expect(page.getByTestId('paint-replay').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('paint-replay')).toContainText(/Replay: stroke \d+ of 20/);
  // The distance plot in the panel, and the reward-term plot among the training curves, draw with uPlot.
  await expect(panel.locator('.uplot')).toHaveCount(1);
  await expect(page.locator('.uplot').filter({ hasText: 'L2 gain' }).first()).toBeVisible();
  await expect(panel).toContainText(/final distance \d+% of the blank canvas/);
  expect(errors).toEqual([]);
});

test('Paint: a non-image upload is refused with a message; a drawing becomes the target', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await page.locator('#field-task').selectOption({ label: 'Paint (strokes)' });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });

  await page.getByTestId('paint-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('<img src=x onerror=alert(1)>') });
  await expect(page.getByRole('alert').filter({ hasText: 'is not an image' })).toBeVisible();
  await expect(page.getByTestId('paint-target')).toHaveValue('circle');

  await page.getByRole('button', { name: 'Draw one' }).click();
  await page.getByRole('radio', { name: 'Colour #1e88e5' }).click();
  const pad = page.getByTestId('paint-pad');
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 30, box.y + box.height - 30, { steps: 20 });
  await page.mouse.up();
  const hashBefore = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'Use as target' }).click();
  await expect(page.getByTestId('paint-target')).toHaveValue('custom');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  // The target preview shows the blue line.
  const blue = await page.locator('canvas[aria-label="Target preview"]').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 2] > 200 && d[k] < 60) n++;
    return n;
  });
  expect(blue).toBeGreaterThan(20);
  // The link carries the drawing (the address follows accepted settings, throttled): it survives a reload.
  await expect.poll(() => page.evaluate(() => location.hash), { timeout: 10_000 }).not.toBe(hashBefore);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await expect(page.getByTestId('paint-target')).toHaveValue('custom');
  expect(errors).toEqual([]);
});
