import type { ChaosStage, ChaosTriggers } from '../chaos/chaos-triggers.ts';
import { smtpError } from './smtp-errors.ts';

export interface ChaosFault {
  /** The reply to give instead of going on, or null when the stage is only delayed. */
  readonly error: Error | null;
  readonly delayMs: number;
}

/**
 * Applies the chaos triggers (DESIGN.md §3.2) to SMTP handler callbacks and notes each injected
 * fault in the session's transcript through `note`.
 */
export class SmtpChaos {
  readonly #chaos: ChaosTriggers;
  readonly #note: (connectionId: string, text: string) => void;

  constructor(chaos: ChaosTriggers, note: (connectionId: string, text: string) => void) {
    this.#chaos = chaos;
    this.#note = note;
  }

  /** The fault to inject at this stage for this connection, if any. */
  fault(connectionId: string, stage: ChaosStage): ChaosFault | null {
    const decision = this.#chaos.decide(stage);
    if (decision.errorCode === null && decision.delayMs === 0) return null;
    const what = decision.errorCode === null ? '' : ` answers ${decision.errorCode}`;
    this.#note(
      connectionId,
      `chaos: ${stage}${what}${decision.delayMs ? ` after ${decision.delayMs} ms` : ''}`,
    );
    const error =
      decision.errorCode === null ? null : smtpError(decision.errorCode, `Chaos: ${stage} failure`);
    return { error, delayMs: decision.delayMs };
  }

  /** Calls back as smtp-server expects: with the injected error, or with none, after any delay. */
  gate(connectionId: string, stage: ChaosStage, callback: (error?: Error | null) => void): void {
    const fault = this.fault(connectionId, stage);
    later(fault?.delayMs ?? 0, () => callback(fault?.error ?? null));
  }

  /**
   * gate, but with no fault it calls back synchronously. For RCPT: smtp-server (3.21.6) then
   * reads a pipelined DATA in the same pass, so the MAIL, RCPT and DATA replies leave in one
   * write (smtp-coalesce.ts) instead of one loop turn and one write apart each. Not for MAIL:
   * answering MAIL synchronously stalled a pipelined stream of whole transactions (the third
   * of three messages sent in one packet was never answered).
   */
  gateAtOnce(connectionId: string, stage: ChaosStage, callback: (error?: Error | null) => void): void {
    const fault = this.fault(connectionId, stage);
    if (fault) later(fault.delayMs, () => callback(fault.error));
    else callback(null);
  }
}

/**
 * Runs `run` after `ms`, and never synchronously: smtp-server's own handlers answer with
 * setImmediate, and a synchronous MAIL answer stalled pipelined transactions (see gateAtOnce).
 */
export function later(ms: number, run: () => void): void {
  if (ms === 0) setImmediate(run);
  else setTimeout(run, ms);
}
