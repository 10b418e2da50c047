/**
 * Where a load or an update spends its time, phase by phase, and the longest stretch each phase
 * held the event loop without letting requests in (between two `breathe` calls). Logged with
 * every reload, so an operator sees which step of an update costs what.
 */
export interface PhaseTime {
  /** Wall time of the phase, awaits included. */
  ms: number;
  /** The longest synchronous stretch in it: what a request arriving then may have waited. */
  longestBlockMs: number;
}

export type PhaseTimes = Record<string, PhaseTime>;

export class PhaseClock {
  readonly times: PhaseTimes = {};
  private name = 'start';
  private phaseStarted = performance.now();
  private blockStarted = this.phaseStarted;
  private longest = 0;
  /** Since the last breathe, whatever phase it started in. */
  private anyBlockStarted = this.phaseStarted;
  /** The longest synchronous stretch of the whole load, across phase boundaries. */
  longestBlockMs = 0;

  /** Ends the running phase and starts `name`. */
  phase(name: string): void {
    const now = performance.now();
    this.close(now);
    this.name = name;
    this.phaseStarted = now;
    this.blockStarted = now;
    this.longest = 0;
  }

  /** Ends the last phase; returns the times. */
  done(): PhaseTimes {
    const now = performance.now();
    this.close(now);
    this.longestBlockMs = Math.max(this.longestBlockMs, round(now - this.anyBlockStarted));
    this.name = '';
    return this.times;
  }

  /** Lets requests in (`yieldTo`), counting the stretch before it as one block. */
  async breathe(yieldTo: () => Promise<void>): Promise<void> {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.blockStarted);
    this.longestBlockMs = Math.max(this.longestBlockMs, round(now - this.anyBlockStarted));
    await yieldTo();
    this.blockStarted = this.anyBlockStarted = performance.now();
  }

  private close(now: number): void {
    if (!this.name) return;
    const longestBlockMs = round(Math.max(this.longest, now - this.blockStarted));
    const ms = round(now - this.phaseStarted);
    const before = this.times[this.name];
    this.times[this.name] = before ? { ms: round(before.ms + ms), longestBlockMs: Math.max(before.longestBlockMs, longestBlockMs) } : { ms, longestBlockMs };
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
