import type { EventBus } from '../events/event-bus.ts';
import type { Log } from '../log/log.ts';
import type { SummaryParser } from '../parse/parse-pool.ts';
import type { SummaryResult } from '../parse/parse-summary.ts';
import type { MessageIndex, SessionWrite, UnindexedMessage, WriteOp } from '../store/store-types.ts';
import type { StoreWriter } from '../store/store-writer.ts';
import type { Envelope, MailAddress, MessageSummary, ParsedSummary } from './mail-types.ts';
import { GroupCommit } from './group-commit.ts';
import type { PublicIds } from './mail-ids.ts';
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
  readonly log: Log;
  readonly ids: PublicIds;
  readonly now: () => number;
}

/** What the SMTP layer needs to reply "250": the stored message's ID and size. */
export interface Accepted {
  readonly id: string;
  readonly size: number;
}

/**
 * The one place that orders store → parse → index → publish (DESIGN.md §2), in two steps:
 * 1. accept() commits the raw bytes and the envelope; the caller then replies "250", so a 250
 *    means the message survives a crash (a crash before step 2 is finished by reindex.ts).
 * 2. In the background the message is parsed, its summary, search index and tags are written,
 *    and only then is it listed and announced ("message.new"). The 250 never waits for parsing,
 *    so a connection's next message is already arriving while this one is parsed.
 * Simple mail (parse-summary.ts quickSummary: plain text, or text and attachments) takes one
 * step: it is parsed before the commit, which stores it indexed, and it is announced as soon as
 * that commit is done.
 * settled() lets the API answer as if both steps were one: a request waits for every message
 * accepted before it to be indexed (about a millisecond), so "send, then GET" always finds it.
 */
export class MailIngest {
  readonly #deps: IngestDeps;
  readonly #commits: GroupCommit<WriteOp, string[]>;
  readonly #indexing = new Set<Promise<void>>();
  /** Set when a message was committed since the last search flush (its search row may be queued). */
  #searchBehind = false;
  #searchFlush: Promise<void> | null = null;

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#commits = new GroupCommit(
      (ops) => deps.writer.writeBatch(ops, handOver(ops)),
      (pruned) => {
        if (pruned.length === 0) return;
        deps.stats.messagesDeleted += pruned.length;
        deps.bus.publish({ type: 'messages.pruned', ids: pruned });
      },
    );
  }

  /** Commits the message; rejects only if it could not be stored (the SMTP layer answers 451). */
  async accept(incoming: IncomingMessage): Promise<Accepted> {
    const createdAt = this.#deps.now();
    const id = this.#deps.ids.next(createdAt);
    const stored: UnindexedMessage = {
      id,
      createdAt,
      raw: incoming.raw,
      envelope: incoming.envelope,
      sessionId: incoming.session?.info.id ?? null,
    };
    const message = {
      id,
      createdAt,
      raw: incoming.raw,
      envelope: incoming.envelope,
      session: incoming.session,
    };
    // Simple mail is parsed on the spot (tens of µs) and committed indexed in the same
    // write: one op instead of two, and it is listed the moment its 250 is due.
    const quick = quickIndex(this.#deps.parser, stored);
    if (quick) {
      const { index, summary } = quick;
      // Read before the commit: the batch may move the buffer to the writer (handOver, below).
      const size = incoming.raw.length;
      await this.#commits.submit({ kind: 'message', message: { index, ...message } });
      this.#searchBehind = true;
      this.#accepted(size);
      this.#deps.bus.publish({ type: 'message.new', message: summary });
      return { id, size };
    }
    // Otherwise parsing starts at once and overlaps the commit; its result is written after it.
    const parsing = this.#deps.parser.parse(incoming.raw);
    await this.#commits.submit({ kind: 'message', message });
    this.#accepted(incoming.raw.length);
    this.#track(this.#index(stored, parsing));
    return { id, size: incoming.raw.length };
  }

  #accepted(bytes: number): void {
    this.#deps.stats.smtpAccepted++;
    this.#deps.stats.smtpAcceptedBytes += bytes;
  }

  /** Indexes a message committed earlier but never indexed (see reindex.ts). */
  indexLate(stored: UnindexedMessage): Promise<void> {
    return this.#track(this.#index(stored, this.#deps.parser.parse(stored.raw)));
  }

  /** Makes settled() also wait for `work` (the start-up indexing of older messages). */
  hold(work: Promise<unknown>): void {
    this.#track(work.then(() => undefined));
  }

  /** Queues the search row of a message whose row a crash kept from being written (reindex.ts). */
  searchLate(stored: UnindexedMessage): Promise<void> {
    const work = this.#deps.parser.parse(stored.raw).then(async (parsed) => {
      const { index } = indexOf(stored, parsed);
      await this.#commits.submit({
        kind: 'search',
        row: { id: stored.id, summary: index.summary, searchText: index.searchText },
      });
      this.#searchBehind = true;
    });
    return this.#track(work);
  }

  /**
   * Resolves once every message accepted before the call is indexed (or failed to be) and can be
   * found by a search; mail arriving meanwhile is not waited for, so a request is never held up
   * by a steady stream.
   */
  async settled(): Promise<void> {
    if (this.#indexing.size > 0) await Promise.all([...this.#indexing]);
    await this.#searchable();
  }

  /**
   * The writer queues search rows and writes them in batches (store/mail-writes.ts); a request
   * after new mail has them written first. Concurrent requests share one flush.
   */
  #searchable(): Promise<void> {
    if (this.#searchBehind) {
      this.#searchBehind = false;
      const flush = this.#deps.writer.flushSearch().then(
        () => {
          if (this.#searchFlush === flush) this.#searchFlush = null;
        },
        (error: unknown) => {
          if (this.#searchFlush === flush) this.#searchFlush = null;
          // The rows stay queued and marked; searches miss the newest mail until a flush works.
          this.#deps.log.error('writing the search index failed', error);
        },
      );
      this.#searchFlush = flush;
    }
    return this.#searchFlush ?? Promise.resolve();
  }

  /** Records a session's state and new transcript lines (at close, or for a session with no mail). */
  recordSession(session: SessionWrite): Promise<void> {
    return this.#commits.submit({ kind: 'session', session }).then(() => undefined);
  }

  async #index(stored: UnindexedMessage, parsing: Promise<SummaryResult>): Promise<void> {
    const { index, summary } = indexOf(stored, await parsing);
    await this.#commits.submit({ kind: 'index', index });
    this.#searchBehind = true;
    this.#deps.bus.publish({ type: 'message.new', message: summary });
  }

  #track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: unknown) => {
      // The raw message is stored; a failed index write leaves it for reindex.ts at next start.
      this.#deps.log.error('indexing a message failed', error);
      this.#deps.bus.publish({
        type: 'app.error',
        message: `indexing a message failed: ${(error as Error).message}`,
      });
    });
    this.#indexing.add(tracked);
    void tracked.finally(() => this.#indexing.delete(tracked));
    return tracked;
  }
}

/** indexOf for a message the quick parse takes; null for any other (the two-step path then). */
function quickIndex(
  parser: SummaryParser,
  stored: UnindexedMessage,
): { index: MessageIndex; summary: MessageSummary } | null {
  try {
    const parsed = parser.quick(stored.raw);
    return parsed ? indexOf(stored, parsed) : null;
  } catch {
    // Deliberately swallowed: the two-step path stores the message whatever parsing does and
    // records what went wrong, so a parsing bug never turns into a 451 here.
    return null;
  }
}

/** What is written for a parsed message, and the summary it is listed and announced with. */
function indexOf(
  stored: UnindexedMessage,
  parsed: SummaryResult,
): { index: MessageIndex; summary: MessageSummary } {
  const fields = withEnvelope(parsed.summary, stored.envelope, parsed.problem !== null);
  const tags = tagsForMessage(parsed.xTags, [...fields.to, ...fields.cc, ...fields.bcc]);
  return {
    index: {
      id: stored.id,
      summary: fields,
      parseError: parsed.problem,
      searchText: parsed.searchText,
      tags,
    },
    // The added fields come before the spread: V8 (Node 20) adds properties to a spread copy on
    // a slow path, which made this object 7.5 µs of every message's SMTP-thread time (0.2 µs
    // this way; scratch measurement). Same for `{ index, ...message }` in accept().
    summary: {
      id: stored.id,
      createdAt: stored.createdAt,
      size: stored.raw.length,
      read: false,
      tags,
      envelope: stored.envelope,
      sessionId: stored.sessionId,
      parseError: parsed.problem,
      ...fields,
    },
  };
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

/**
 * The buffers of a batch's parsed messages, moved rather than copied to the writer thread: the
 * structured clone of a 100 KB message was 7 % of the SMTP thread's time (100 KB ingest bench
 * profile). A message op carrying its index was parsed before its commit, and nothing here reads
 * its bytes again; one without is still being parsed meanwhile.
 */
function handOver(ops: readonly WriteOp[]): ArrayBuffer[] {
  const moved: ArrayBuffer[] = [];
  for (const op of ops) {
    if (op.kind === 'message' && op.message.index && ownsItsMemory(op.message.raw)) {
      moved.push(op.message.raw.buffer as ArrayBuffer);
    }
  }
  return moved;
}

/**
 * Whether a buffer is the whole of its memory: Node hands out buffers under 4 KiB as slices of
 * a shared pool, which must not be moved; larger ones (Buffer.concat's result) own theirs.
 */
function ownsItsMemory(raw: Uint8Array): boolean {
  return (
    raw.buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
  );
}
