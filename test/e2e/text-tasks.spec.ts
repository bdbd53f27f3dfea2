// The Words and Free text tasks in the page: the book is fetched only once such a task is chosen, the Task panel shows
// the data's size and a few examples, a few updates train; Free text on a pasted text fine-tunes the prior in the tab,
// and the link of that run marks the own text without carrying it. WASM, as for the other non-names tasks.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, openReady, READY_TIMEOUT_MS, waitIdle } from './helpers';

/** The Moby-Dick chunk that src/core/tasks/mobyDick.ts imports dynamically (named after mobyDickText.ts). */
const BOOK_CHUNK = /\/assets\/mobyDickText-[\w-]+\.js$/;

/** Waits for the new run's own status line: for a moment after the switch the names run's buttons are still enabled. */
async function chooseTask(page: Page, label: string) {
  await page.locator('#field-task').selectOption({ label });
  await expect(page.getByTestId('status-message')).toContainText(`${label} prior loaded`, { timeout: READY_TIMEOUT_MS });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
}

async function chooseOwnText(page: Page) {
  await page.locator('#field-text-source').selectOption({ label: 'Your own text (paste or upload)' });
  await expect(page.getByTestId('status-message')).toContainText('no text of your own yet', { timeout: READY_TIMEOUT_MS });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
}

async function stepTimes(page: Page, n: number) {
  for (let i = 1; i <= n; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('metric-step')).toHaveText(String(i), { timeout: READY_TIMEOUT_MS });
    await waitIdle(page);
  }
}

test('Words: the book loads only when chosen, the data preview shows, and a few updates train', async ({ page }) => {
  const errors = collectErrors(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await openReady(page, '/?backend=wasm');
  expect(requests.filter((u) => BOOK_CHUNK.test(u))).toEqual([]);

  await chooseTask(page, 'Words');
  expect(requests.filter((u) => BOOK_CHUNK.test(u))).toHaveLength(1);
  const preview = page.getByTestId('corpus-preview');
  await expect(preview).toContainText(/Moby-Dick.*16,593 examples/);
  const examples = preview.locator('li');
  await expect(examples).toHaveCount(5);
  for (const text of await examples.allTextContents()) expect(text).toMatch(/^[a-z]{2,14}$/);

  await stepTimes(page, 3);
  const samples = page.getByTestId('samples').locator(':scope > *');
  expect(await samples.count()).toBeGreaterThan(0);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(errors).toEqual([]);
});

const OWN_TEXT = [
  'The lighthouse keeper climbed the stairs at dusk.',
  'He lit the lamp and watched the ships go by.',
  'Gulls wheeled above the rocks, crying in the wind.',
  'Far out, a whale rose and blew a plume of spray.',
  'The keeper wrote it down in his log, as he always did.',
  'Night came on; the beam swept the water, round and round.',
  'At dawn he put out the lamp and slept until noon.',
  'Then the supply boat came with bread, oil and letters.',
  'One letter was from his sister in the city.',
  'She asked whether he was lonely out there on the rock.',
  'He wrote back that the sea was company enough.',
  'Room 101: §§ not every character fits the alphabet.',
].join(' ');

test('Free text: Moby-Dick by default, then a pasted text fine-tunes the prior, and the link does not carry the text', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await chooseTask(page, 'Free text');
  const preview = page.getByTestId('corpus-preview');
  await expect(preview).toContainText(/Moby-Dick.*examples/);
  await expect(preview.locator('li')).toHaveCount(5);
  await stepTimes(page, 2);

  await chooseOwnText(page);
  const own = page.getByTestId('own-text');
  await expect(own).toContainText('Links never carry your text');
  await expect(own).toContainText('Saved checkpoints and exported checkpoint files do carry it');
  await page.getByTestId('own-text-paste').fill(OWN_TEXT);
  await page.getByTestId('own-text-train').click();
  const result = page.getByTestId('own-text-result');
  await expect(result).toContainText(/12 examples .*dropped 5 characters outside the alphabet.*a new run starts from this prior/, { timeout: READY_TIMEOUT_MS });
  await expect(preview).toContainText(/your text\. 12 examples/);
  await expect(preview).toContainText('Dropped while normalising: 5 characters outside the alphabet, 0 non-printable.');
  await expect(preview.locator('li').first()).toHaveText(/^[a-z .,;:!?'-]+$/);

  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await stepTimes(page, 2);
  await page.waitForTimeout(1_500); // the address bar's hash is written a moment after each change
  const hash = await page.evaluate(() => location.hash);
  expect(hash.length).toBeGreaterThan(3);
  expect(hash.length).toBeLessThan(OWN_TEXT.length / 2); // the config only: never the text itself
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Free text: a saved checkpoint carries your text and its prior; after a reload, resuming it brings them back', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await chooseTask(page, 'Free text');
  await chooseOwnText(page);
  await page.getByTestId('own-text-paste').fill(OWN_TEXT);
  await page.getByTestId('own-text-train').click();
  await expect(page.getByTestId('own-text-result')).toContainText(/12 examples/, { timeout: READY_TIMEOUT_MS });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled({ timeout: READY_TIMEOUT_MS });
  await stepTimes(page, 1);
  await page.locator('#checkpoint-name').fill('keeper run');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('checkpoint-message')).toHaveText('Saved "keeper run" at update 1.');

  // The reloaded page opens the link's settings, which never carry the text: Moby-Dick until the run is resumed.
  await page.reload();
  await expect(page.getByTestId('status-message')).toContainText('no text of your own yet', { timeout: READY_TIMEOUT_MS });
  const preview = page.getByTestId('corpus-preview');
  await expect(preview).toContainText('Moby-Dick');
  await page.getByRole('button', { name: 'Resume keeper run' }).click();
  await expect(page.getByTestId('status-message')).toHaveText('Resumed "keeper run" at update 1', { timeout: READY_TIMEOUT_MS });
  await expect(preview).toContainText(/your text\. 12 examples/);
  await expect(page.getByTestId('metric-step')).toHaveText('1');
  expect(errors).toEqual([]);
});

test('a link to a Free text run on an own text explains that the text must be pasted again', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await chooseTask(page, 'Free text');
  await chooseOwnText(page);
  await page.waitForTimeout(1_500);
  const link = await page.evaluate(() => location.href);

  const fresh = await page.context().newPage();
  await openReady(fresh, link);
  await expect(fresh.locator('#field-text-source')).toHaveValue('own');
  await expect(fresh.getByTestId('own-text')).toContainText('a link to this run asks for it to be pasted again');
  await expect(fresh.getByTestId('own-text')).toContainText('Until you train on a text of yours in this tab, or resume a checkpoint of a run on one, the run uses Moby-Dick.');
  await expect(fresh.getByTestId('corpus-preview')).toContainText('Moby-Dick');
  expect(errors).toEqual([]);
});

test('Free text: a .txt file over 5 MB is refused before it is read; a small one trains the prior', async ({ page }) => {
  const errors = collectErrors(page);
  await openReady(page, '/?backend=wasm');
  await chooseTask(page, 'Free text');
  await chooseOwnText(page);
  const file = page.getByTestId('own-text-file');
  await file.setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(5 * 1024 * 1024 + 1024, 'a') });
  await expect(page.getByTestId('own-text').getByRole('alert')).toHaveText(/The text is larger than 5 MB \(5,243,904 bytes\)/);
  await expect(page.getByTestId('own-text-train')).toBeDisabled();

  await file.setInputFiles({ name: 'keeper.txt', mimeType: 'text/plain', buffer: Buffer.from(OWN_TEXT.replace('§§', '\u0000\u0001')) });
  await page.getByTestId('own-text-train').click();
  await expect(page.getByTestId('own-text-result')).toContainText(/12 examples .*3 characters outside the alphabet and 2 non-printable characters/, { timeout: READY_TIMEOUT_MS });
  await expect(page.getByTestId('corpus-preview')).toContainText('your text');
  expect(errors).toEqual([]);
});
