// Whether a new critical alert sounds on this display: on, off (muted until turned on again) or
// snoozed (15 or 60 minutes, then the sound comes back by itself). Kept in the display's
// localStorage, so a wall keeps the choice across reloads and collector restarts. Times are the
// display's own clock (ms since the epoch): a snooze is "for the next 15 minutes here".
export type SoundState = 'on' | 'off' | 'snoozed';

/** The snooze lengths offered, in minutes. */
export const SNOOZE_MINUTES = [15, 60] as const;

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;
const MUTE = 'pantau.mute';
const SNOOZE = 'pantau.snoozeUntil';

export class SoundControl {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {}

  get muted(): boolean {
    return this.storage.getItem(MUTE) === '1';
  }

  setMuted(muted: boolean): void {
    this.storage.setItem(MUTE, muted ? '1' : '0');
  }

  /** The end of the snooze in force, if any (a snooze that is over is forgotten). */
  snoozedUntil(): number | undefined {
    const v = Number(this.storage.getItem(SNOOZE));
    if (!Number.isFinite(v) || v <= 0) return undefined;
    if (v <= this.now()) {
      this.storage.removeItem(SNOOZE);
      return undefined;
    }
    return v;
  }

  snooze(minutes: number): void {
    this.storage.setItem(SNOOZE, String(this.now() + minutes * 60_000));
  }

  cancelSnooze(): void {
    this.storage.removeItem(SNOOZE);
  }

  state(): SoundState {
    if (this.muted) return 'off';
    return this.snoozedUntil() !== undefined ? 'snoozed' : 'on';
  }

  /** Whether a new critical alert beeps now. */
  shouldSound(): boolean {
    return this.state() === 'on';
  }
}
