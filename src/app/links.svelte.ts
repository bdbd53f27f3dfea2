// Experiment links on the page: the URL hash holds the config (src/share.ts encodes it); this reads it on load and on
// hashchange, writes it back (throttled replaceState) whenever a config is accepted, and keeps the teacher-mode list
// of hidden panels and controls. Problems with a link become a banner, never an exception.
import type { ExperimentConfig } from '../core/config';
import { presetConfigs } from '../presets';
import { decodeHash, encodeConfig, hideableNames } from '../share';
import { createHashSync, type HashSync } from './urlState';

/** Page sections a teacher can hide besides the config's own panels and fields. */
export const UI_SECTIONS = ['presets', 'checkpoints', 'runs', 'link', 'anatomy', 'how', 'compare'] as const;

export interface LinkBanner {
  /** What was wrong with the link (it was refused), or null when it loaded with notices only. */
  error: string | null;
  notices: string[];
}

export class LinkState {
  /** Teacher mode: config paths ("model", "algorithm.klCoef", "rewards.ends_with") and UI sections to hide. */
  hide: string[] = $state([]);
  banner: LinkBanner | null = $state(null);
  /** Set when the clipboard was unavailable: the link to show selected for manual copying. */
  manualCopy: string | null = $state(null);
  copied = $state(false);

  private sync: HashSync | null = null;
  private readonly flushOnHide = () => this.sync?.flush();

  /**
   * Starts listening; returns the config the page should start from (the link's, or the fallback).
   * `onLink` gets the config of each later link the user opens.
   */
  start(fallback: ExperimentConfig, onLink: (config: ExperimentConfig) => void, getCurrent: () => ExperimentConfig): ExperimentConfig {
    this.sync = createHashSync((hash) => {
      const config = this.read(hash, getCurrent());
      if (config) onLink(config);
    });
    addEventListener('pagehide', this.flushOnHide);
    return this.read(this.sync.read(), fallback) ?? fallback;
  }

  stop(): void {
    removeEventListener('pagehide', this.flushOnHide);
    this.sync?.flush();
    this.sync?.dispose();
    this.sync = null;
  }

  /** Whether a config path or UI section is hidden (hiding "algorithm" hides "algorithm.klCoef" too). */
  isHidden(path: string): boolean {
    return this.hide.some((h) => path === h || path.startsWith(`${h}.`));
  }

  /** Records the config in the address bar (no history entry). */
  write(config: ExperimentConfig): void {
    this.sync?.write(encodeConfig(config, { hide: this.hide }));
  }

  /** The shareable address of `config` (teacher-mode options included). */
  linkFor(config: ExperimentConfig): string {
    return `${location.origin}${location.pathname}${location.search}#${encodeConfig(config, { hide: this.hide })}`;
  }

  async copy(config: ExperimentConfig): Promise<void> {
    this.write(config);
    this.sync?.flush();
    const link = this.linkFor(config);
    this.manualCopy = null;
    try {
      await navigator.clipboard.writeText(link);
      this.copied = true;
      setTimeout(() => (this.copied = false), 2000);
    } catch {
      this.manualCopy = link; // shown in a text field, selected, for Ctrl+C
    }
  }

  dismiss(): void {
    this.banner = null;
  }

  /** Decodes a hash; on refusal shows why and returns null (the current config stays). */
  private read(hash: string, fallback: ExperimentConfig): ExperimentConfig | null {
    const decoded = decodeHash(hash, { fallback, presets: presetConfigs(), hideable: [...hideableNames(), ...UI_SECTIONS] });
    this.hide = decoded.hide;
    this.banner = decoded.error || decoded.notices.length ? { error: decoded.error, notices: decoded.notices } : null;
    if (decoded.error) return null;
    return hash === '' ? null : decoded.config;
  }
}
