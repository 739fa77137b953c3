import { randomInt } from 'node:crypto';

/** SMTP stages a fault can be injected at: Mailpit's three, plus our Connect and Data. */
export const CHAOS_STAGES = ['Sender', 'Recipient', 'Authentication', 'Connect', 'Data'] as const;
export type ChaosStage = (typeof CHAOS_STAGES)[number];

export interface ChaosTrigger {
  /** The SMTP reply code to answer with, 400–599. */
  readonly ErrorCode: number;
  /** Percent chance (0–100) that a matching command fails. */
  readonly Probability: number;
  /** Fail the next N matching commands regardless of Probability, then stop (extension). */
  readonly Next?: number;
  /** Answer the stage only after this many milliseconds, failing or not (extension). */
  readonly DelayMs?: number;
}

export type ChaosConfig = Readonly<Record<ChaosStage, ChaosTrigger>>;

/** What to do at a stage: reply with an error code or not, after an optional delay. */
export interface ChaosDecision {
  readonly errorCode: number | null;
  readonly delayMs: number;
}

/** Mailpit's defaults: 451 for the transaction stages, 535 for authentication. */
const DEFAULT_CODES: Readonly<Record<ChaosStage, number>> = {
  Sender: 451,
  Recipient: 451,
  Authentication: 535,
  Connect: 421,
  Data: 451,
};

/** Longest injectable delay: past typical client timeouts (nodemailer's socket timeout is 60 s). */
export const MAX_CHAOS_DELAY_MS = 120_000;

const defaults = (): Record<ChaosStage, ChaosTrigger> =>
  Object.fromEntries(CHAOS_STAGES.map((s) => [s, { ErrorCode: DEFAULT_CODES[s], Probability: 0 }])) as Record<
    ChaosStage,
    ChaosTrigger
  >;

/**
 * Fault injection for the SMTP server (Mailpit's /api/v1/chaos, DESIGN.md §3.2). One instance
 * per app; the SMTP handlers ask decide() at each stage, the API reads and replaces the config.
 */
export class ChaosTriggers {
  readonly enabled: boolean;
  #config: Record<ChaosStage, ChaosTrigger> = defaults();
  readonly #random: (below: number) => number;

  constructor(enabled: boolean, random: (below: number) => number = randomInt) {
    this.enabled = enabled;
    this.#random = random;
  }

  get(): ChaosConfig {
    return { ...this.#config };
  }

  /** Replaces the whole config; stages not given go back to their defaults (so `{}` resets). */
  set(update: Partial<Record<ChaosStage, Partial<ChaosTrigger>>>): ChaosConfig {
    const next = defaults();
    for (const stage of CHAOS_STAGES) {
      const given = update[stage];
      if (!given) continue;
      next[stage] = {
        ErrorCode: given.ErrorCode || DEFAULT_CODES[stage],
        Probability: given.Probability ?? 0,
        ...(given.Next ? { Next: given.Next } : {}),
        ...(given.DelayMs ? { DelayMs: given.DelayMs } : {}),
      };
    }
    this.#config = next;
    return this.get();
  }

  /** Whether this command fails (consuming one `Next` if set) and how long to wait first. */
  decide(stage: ChaosStage): ChaosDecision {
    const trigger = this.#config[stage];
    if (!this.enabled) return { errorCode: null, delayMs: 0 };
    const delayMs = trigger.DelayMs ?? 0;
    if (trigger.Next !== undefined && trigger.Next > 0) {
      const left = trigger.Next - 1;
      this.#config[stage] = left > 0 ? { ...trigger, Next: left } : withoutNext(trigger);
      return { errorCode: trigger.ErrorCode, delayMs };
    }
    const fails = trigger.Probability > 0 && this.#random(100) < trigger.Probability;
    return { errorCode: fails ? trigger.ErrorCode : null, delayMs };
  }
}

/** Once its `Next` count is spent, a trigger stops failing ("then stop"); a delay stays. */
function withoutNext(trigger: ChaosTrigger): ChaosTrigger {
  const { Next: _spent, ...rest } = trigger;
  return { ...rest, Probability: 0 };
}
