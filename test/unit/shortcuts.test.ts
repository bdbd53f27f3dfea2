import { describe, expect, it } from 'vitest';
import { shortcutFor } from '../../src/app/shortcuts';

/** A stand-in for an event target: `closest` answers for the selectors the element would match. */
function target(matches: string[] = [], editable = false) {
  return { isContentEditable: editable, closest: (selector: string) => (selector.split(',').some((s) => matches.includes(s.trim())) ? {} : null) };
}
const press = (key: string, t = target(), mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods, target: t as unknown as EventTarget });

describe('keyboard shortcuts', () => {
  it('maps space, s, r and ? on the page body', () => {
    expect(press(' ')?.action).toBe('toggle-training');
    expect(press('s')?.action).toBe('step');
    expect(press('S')?.action).toBe('step');
    expect(press('r')?.action).toBe('reset');
    expect(press('?')?.action).toBe('help');
    expect(press('x')).toBeNull();
  });

  it('leaves keys alone while typing, on buttons, with modifiers, and inside widgets with their own keys', () => {
    expect(press('s', target(['input']))).toBeNull();
    expect(press('r', target(['textarea']))).toBeNull();
    expect(press(' ', target(['button']))).toBeNull(); // Space presses the focused button itself
    expect(press('s', target([], true))).toBeNull();
    expect(press(' ', target(['[data-own-keys]']))).toBeNull();
    expect(press('r', target(), { ctrlKey: true })).toBeNull(); // Ctrl+R reloads the page
    expect(press('s', target(), { metaKey: true })).toBeNull();
  });
});
