/**
 * Visibility probes: send one message, and the moment its 250 arrives, GET
 * /api/v1/message/{ID} (ID from "queued as <ID>"), repeating at once on 404 until it answers 200.
 * catchall commits before it replies 250, so the first GET should already succeed; `retried`
 * counts the probes for which it did not.
 */
import type { ApiClient } from './api-client.ts';
import type { MessageTemplate } from './mail.ts';
import { queuedId, type SmtpConnection } from './smtp-client.ts';

/** A message not visible this long after its 250 counts as not visible. */
const GIVE_UP_MS = 5_000;

export interface ProbeSpec {
  readonly connection: SmtpConnection;
  readonly api: ApiClient;
  readonly template: MessageTemplate;
  readonly count: number;
  readonly firstIndex: number;
  /** Pause between one probe's answer and the next probe. */
  readonly gapMs: number;
}

export interface ProbeOutcome {
  /** From reading the 250 to the headers of the 200 answer, per visible probe (ms). */
  readonly visibleMs: Float64Array;
  /** Probes answered 250 (the rest count as errors). */
  readonly accepted: number;
  readonly errors: number;
  /** Probes whose first GET did not find the message. */
  readonly retried: number;
  /** GETs repeated in all. */
  readonly retries: number;
  /** Accepted probes never visible within GIVE_UP_MS. */
  readonly notVisible: number;
  readonly errorSamples: readonly string[];
}

export async function runProbes(spec: ProbeSpec): Promise<ProbeOutcome> {
  const visibleMs: number[] = [];
  const errorSamples: string[] = [];
  let accepted = 0;
  let errors = 0;
  let retried = 0;
  let retries = 0;
  let notVisible = 0;
  for (let i = 0; i < spec.count; i++) {
    if (i > 0 && spec.gapMs > 0) await new Promise((r) => setTimeout(r, spec.gapMs));
    const result = await spec.connection.send(spec.template, spec.firstIndex + i);
    const id = result.code === 250 ? queuedId(result.text) : null;
    if (id === null) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`${result.code} ${result.text}`);
      continue;
    }
    accepted++;
    let attempts = 0;
    for (;;) {
      const response = await spec.api.get(`api/v1/message/${encodeURIComponent(id)}`);
      attempts++;
      if (response.status === 200) {
        visibleMs.push(response.at - result.at);
        break;
      }
      if (response.status !== 404 || response.at - result.at > GIVE_UP_MS) {
        notVisible++;
        if (errorSamples.length < 5) errorSamples.push(`GET message ${id}: HTTP ${response.status}`);
        break;
      }
    }
    if (attempts > 1) {
      retried++;
      retries += attempts - 1;
    }
  }
  return {
    visibleMs: Float64Array.from(visibleMs),
    accepted,
    errors,
    retried,
    retries,
    notVisible,
    errorSamples,
  };
}
