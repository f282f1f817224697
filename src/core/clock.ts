/** A source of the current time. Domain code takes one instead of calling Date.now(), so tests can move time. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put; tests and `--now` runs move it by hand. */
export class ManualClock implements Clock {
  private currentMs: number;

  constructor(start: Date | string) {
    this.currentMs = new Date(start).getTime();
  }

  /** The instant the clock is set to. */
  now(): Date {
    return new Date(this.currentMs);
  }

  /** Sets the clock to an instant. */
  set(at: Date | string): void {
    this.currentMs = new Date(at).getTime();
  }

  /** Moves the clock forward by a number of milliseconds. */
  advance(ms: number): void {
    this.currentMs += ms;
  }
}
