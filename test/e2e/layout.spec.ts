// The page at a laptop and a phone width: nothing spills sideways, every control has a name, and the keyboard reaches
// the run controls. Screenshots land in test-results/screenshots/ for a human look.
import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { openReady, waitIdle } from './helpers';

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
    await page.screenshot({ path: `${SCREENSHOTS}page-${viewport.width}x${viewport.height}.png` });
    await page.screenshot({ path: `${SCREENSHOTS}page-${viewport.width}x${viewport.height}-full.png`, fullPage: true });
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
