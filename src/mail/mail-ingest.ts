import type { EventBus } from '../events/event-bus.ts';
import type { SummaryParser } from '../parse/parse-pool.ts';
import type { NewMessage, SessionWrite, WriteOp } from '../store/store-types.ts';
import type { StoreWriter } from '../store/store-writer.ts';
import type { Envelope, MailAddress, MessageSummary, ParsedSummary } from './mail-types.ts';
import { GroupCommit } from './group-commit.ts';
import { newPublicId } from './mail-ids.ts';
import { tagsForMessage } from './message-tags.ts';
import type { RuntimeStats } from './runtime-stats.ts';

export interface IncomingMessage {
  readonly raw: Buffer;
  readonly envelope: Envelope;
  /** The SMTP session it arrived on, with the transcript lines not yet written; null for /send. */
  readonly session: SessionWrite | null;
}

export interface IngestDeps {
  readonly writer: StoreWriter;
  readonly parser: SummaryParser;
  readonly bus: EventBus;
  readonly stats: RuntimeStats;
  readonly now: () => number;
}

/**
 * The one place that orders parse → commit → publish (DESIGN.md §2). The caller replies "250"
 * only after accept() resolves, so a 250 always means: committed to SQLite (raw bytes, envelope
 * and summary in one transaction) and already visible through the API.
 */
export class MailIngest {
  readonly #deps: IngestDeps;
  readonly #commits: GroupCommit<WriteOp, string[]>;

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#commits = new GroupCommit(
      (ops) => deps.writer.writeBatch(ops),
      (pruned) => {
        if (pruned.length === 0) return;
        deps.stats.messagesDeleted += pruned.length;
        deps.bus.publish({ type: 'messages.pruned', ids: pruned });
      },
    );
  }

  /** Stores the message; rejects only if it could not be committed (the SMTP layer answers 451). */
  async accept(incoming: IncomingMessage): Promise<MessageSummary> {
    const createdAt = this.#deps.now();
    const parsed = await this.#deps.parser.parse(incoming.raw);
    const summary = withEnvelope(parsed.summary, incoming.envelope, parsed.problem !== null);
    const message: NewMessage = {
      id: newPublicId(createdAt),
      createdAt,
      raw: incoming.raw,
      envelope: incoming.envelope,
      summary,
      parseError: parsed.problem,
      session: incoming.session,
      searchText: parsed.searchText,
      tags: tagsForMessage(parsed.xTags, [...summary.to, ...summary.cc, ...summary.bcc]),
    };
    const size = incoming.raw.length;
    // After this the raw bytes may have moved to the writer thread (store-writer.ts): use `size`.
    await this.#commits.submit({ kind: 'message', message });
    this.#deps.stats.smtpAccepted++;
    this.#deps.stats.smtpAcceptedBytes += size;
    const stored = toSummary(message, size);
    this.#deps.bus.publish({ type: 'message.new', message: stored });
    return stored;
  }

  /** Records a session's state and new transcript lines (at close, or for a session with no mail). */
  recordSession(session: SessionWrite): Promise<void> {
    return this.#commits.submit({ kind: 'session', session }).then(() => undefined);
  }
}

/**
 * Envelope recipients that no To/Cc/Bcc header names were Bcc'd: list them as Bcc (as Mailpit
 * does by adding a Bcc header). When the MIME could not be parsed, the envelope sender stands
 * in for the missing From so the message is still recognisable in the list.
 */
function withEnvelope(summary: ParsedSummary, envelope: Envelope, unparsed: boolean): ParsedSummary {
  const named = new Set([...summary.to, ...summary.cc, ...summary.bcc].map((a) => a.address.toLowerCase()));
  const hidden: MailAddress[] = [];
  for (const rcpt of envelope.rcptTo) {
    const key = rcpt.toLowerCase();
    if (named.has(key)) continue;
    named.add(key);
    hidden.push({ name: '', address: rcpt });
  }
  const from =
    summary.from ?? (unparsed && envelope.mailFrom ? { name: '', address: envelope.mailFrom } : null);
  if (hidden.length === 0 && from === summary.from) return summary;
  return { ...summary, from, bcc: [...summary.bcc, ...hidden] };
}

function toSummary(m: NewMessage, size: number): MessageSummary {
  return {
    ...m.summary,
    id: m.id,
    createdAt: m.createdAt,
    size,
    read: false,
    tags: m.tags,
    envelope: m.envelope,
    sessionId: m.session?.info.id ?? null,
    parseError: m.parseError,
  };
}
