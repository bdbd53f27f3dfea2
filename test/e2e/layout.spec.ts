// The page at a laptop and a phone width: nothing spills sideways, every control has a name, axe-core finds no serious
// accessibility violation, and the keyboard reaches the run controls and drives them with shortcuts. Screenshots land in test-results/screenshots/ for a human look.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { openReady, READY_TIMEOUT_MS, waitIdle } from './helpers';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, textarea')]
      .filter((el) => {
        const labelled = 'labels' in el && (el as HTMLInputElement).labels?.length;
        const aria = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        const text = el.tagName === 'BUTTON' && el.textContent?.trim();
        return !labelled && !aria && !text;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`layout at ${viewport.width}×${viewport.height}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openReady(page);
    for (let i = 1; i <= 3; i++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await expect(page.getByTestId('metric-step')).toHaveText(String(i));
      await waitIdle(page);
    }
    await page.waitForTimeout(300); // let the plots' throttled redraw land
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await unnamedControls(page)).toEqual([]);
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}page-${viewport.width}x${viewport.height}.png` });
    await page.screenshot({ path: `${SCREENSHOTS}page-${viewport.width}x${viewport.height}-full.png`, fullPage: true });
  });
}

// The other tasks at both sizes in one page each (WASM: a molecule or painter update takes tens of seconds on
// SwiftShader's WebGPU). Names are covered above.
// Free text is shown with its own-text form open (paste box, file input), the most crowded form of the Task panel.
// Each waits for the status line of its own run: the names run's buttons stay enabled for a moment after the switch,
// and a Step clicked then lands on the names run, which the rebuild then replaces.
for (const task of [
  { id: 'molecules', label: 'Molecules (SMILES)', ready: 'Molecules prior loaded' },
  { id: 'paint', label: 'Paint (strokes)', ready: 'the painter starts from random weights' },
  { id: 'words', label: 'Words', ready: 'Words prior loaded' },
  { id: 'text', label: 'Free text', ready: 'Free text prior loaded', source: 'Your own text (paste or upload)', sourceReady: 'no text of your own yet' },
]) {
  test(`layout of the ${task.id} task at 1280×800 and 390×844`, async ({ page }) => {
    await openReady(page, '/?backend=wasm');
    await page.locator('#field-task').selectOption({ label: task.label });
    await expect(page.getByTestId('status-message')).toContainText(task.ready, { timeout: READY_TIMEOUT_MS });
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
    if (task.source) {
      await page.locator('#field-text-source').selectOption({ label: task.source });
      await expect(page.getByTestId('status-message')).toContainText(task.sourceReady, { timeout: READY_TIMEOUT_MS });
      await expect(page.getByTestId('own-text')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
    }
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('metric-step')).toHaveText('1', { timeout: READY_TIMEOUT_MS });
    await waitIdle(page);
    await page.waitForTimeout(500); // plots and drawings land
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      expect(await horizontalOverflow(page), `${task.id} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(0);
      expect(await unnamedControls(page)).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}${task.id}-${viewport.width}x${viewport.height}-full.png`, fullPage: true });
    }
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
  });
}

test('the run controls work from the keyboard', async ({ page }) => {
  await openReady(page);
  const step = page.getByRole('button', { name: 'Step', exact: true });
  for (let i = 0; i < 10 && !(await step.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(step).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('metric-step')).toHaveText('1');
});

test('keyboard shortcuts: ? shows the help, Space trains and pauses, S steps', async ({ page }) => {
  await openReady(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } }); // focus on the page, not on a control
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Train, or pause when training');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('s');
  await expect(page.getByTestId('metric-step')).toHaveText('1');
  await waitIdle(page);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeEnabled();
  await expect.poll(async () => Number(await page.getByTestId('metric-step').textContent()), { timeout: 60_000 }).toBeGreaterThan(1);
  await page.keyboard.press(' ');
  await waitIdle(page);
  // Typing in a field does not trigger shortcuts.
  const before = await page.getByTestId('metric-step').textContent();
  await page.getByText('Seed and model size').click();
  await page.getByLabel('Seed', { exact: true }).press('s');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('metric-step')).toHaveText(before!);
});
