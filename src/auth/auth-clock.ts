/**
 * The one clock of the auth API (specs/auth.md principle 6): every lifetime, window and lockout
 * reads it. Harness mode moves it; otherwise it is the wall clock.
 */
export interface AuthClock {
  now(): number;
}

export interface ClockState {
  readonly now: number;
  readonly offsetMs: number;
  readonly frozen: boolean;
}

/** A wall clock that harness routes can shift, set or freeze. */
export class AdjustableClock implements AuthClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly wall: () => number;

  constructor(wall: () => number = Date.now) {
    this.wall = wall;
  }

  now(): number {
    return this.frozenAt ?? this.wall() + this.offsetMs;
  }

  /** `offsetMs` is how far this clock is from the wall clock (it grows while frozen). */
  state(): ClockState {
    const wall = this.wall();
    const now = this.frozenAt ?? wall + this.offsetMs;
    return { now, offsetMs: now - wall, frozen: this.frozenAt !== null };
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  set(at: number): void {
    if (this.frozenAt !== null) this.frozenAt = at;
    else this.offsetMs = at - this.wall();
  }

  /** Freezing keeps the current reading; unfreezing lets it run on from there. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now();
    if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - this.wall();
      this.frozenAt = null;
    }
  }

  /** Back to real time. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }
}
