// Model output is shown as text, never as markup: strings that would run script if injected as HTML go through the
// real display components, and nothing executes and no element is created from them.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount, type Component } from 'svelte';
import { Lab } from '../../src/app/lab.svelte';
import type { SampleView } from '../../src/core/protocol';
import ErrorBanner from '../../src/ui/ErrorBanner.svelte';
import SamplesList from '../../src/ui/samples/SamplesList.svelte';

const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  'javascript:window.__pwned = "url"',
  '<svg onload="window.__pwned = \'svg\'"></svg>',
  '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
];

type Pwned = { __pwned?: unknown };
const mounted: ReturnType<typeof mount>[] = [];

afterEach(() => {
  for (const m of mounted.splice(0)) unmount(m);
  document.body.replaceChildren();
  delete (window as Pwned).__pwned;
});

function render(component: Component<{ lab: Lab }>, lab: Lab): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props: { lab } }));
  flushSync();
  return target;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 200)); // let an injected onerror/onload fire if there were one
}

describe('hostile strings through the display path', () => {
  it('samples (plain, per-token coloured and pinned) show the characters and create no elements', async () => {
    const lab = new Lab();
    lab.samples = HOSTILE.map(
      (text, i): SampleView => ({
        text,
        reward: i,
        kl: 0,
        terms: { ends_with: i },
        steps: i % 2 ? [...text].map((token, t) => ({ token, advantage: t % 3 - 1 })) : undefined,
      }),
    );
    lab.sampleHistory.push(1, lab.samples);
    lab.sampleHistory.pin(1, lab.samples[1]); // the pinned view shows the text and each term too
    const target = render(SamplesList, lab);
    await settle();
    expect(target.querySelectorAll('script, img, svg, iframe, object, embed, a[href^="javascript"]')).toHaveLength(0);
    for (const text of HOSTILE) expect(target.textContent).toContain(text);
    expect((window as Pwned).__pwned).toBeUndefined();
  });

  it('an error banner carrying such text (e.g. a message quoting a sample) shows it as text', async () => {
    const lab = new Lab();
    lab.banner = { message: HOSTILE.join(' '), hint: HOSTILE[1] };
    const target = render(ErrorBanner, lab);
    await settle();
    expect(target.querySelectorAll('script, img, svg, iframe')).toHaveLength(0);
    expect(target.textContent).toContain(HOSTILE[0]);
    expect((window as Pwned).__pwned).toBeUndefined();
  });
});
