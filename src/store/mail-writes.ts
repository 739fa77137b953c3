import type { Db } from './store-open.ts';
import type { ParsedSummary } from '../mail/mail-types.ts';
import type {
  LateSearchRow,
  LineTuple,
  MessageIndex,
  NewMessage,
  SessionWrite,
  WriteOp,
} from './store-types.ts';
import type { StoredAddresses } from './message-rows.ts';
import { SearchIndex } from './search-index.ts';
import { TagWrites } from './tag-writes.ts';

/**
 * Search rows written in one go, at most; more are written with the batch that brings the count
 * there. FTS5 turns each transaction's rows into a new index segment, so one row per commit
 * cost 210–220 µs per 2 KB message at 2–4 messages per commit against 140–150 µs with the
 * rows written 200 at a time (scratch benchmark of this class, FULL sync, 8 KiB pages).
 */
const SEARCH_ROWS_AT_ONCE = 256;

interface PendingSearchRow {
  readonly seq: number;
  readonly summary: ParsedSummary;
  readonly body: string;
}

/**
 * Every write to the mailbox. Runs on the writer thread (store-writer.ts), so SQLite's fsync and
 * WAL checkpoints never block the thread that serves SMTP and HTTP.
 */
export class MailWrites {
  readonly #db: Db;
  readonly #maxMessages: number;
  readonly #sql: ReturnType<typeof prepare>;
  readonly #index: SearchIndex;
  readonly #tags: TagWrites;
  /** Open sessions already written: their row number, next chunk number and written state. */
  readonly #sessions = new Map<string, { seq: number; nextChunk: number; state: string }>();
  /**
   * Search rows not written yet, oldest first. A message is listed as soon as it is committed;
   * its search row follows with others (flushSearch), each marked in search_pending meanwhile.
   */
  #pendingSearch: PendingSearchRow[] = [];

  constructor(db: Db, maxMessages: number) {
    this.#db = db;
    this.#maxMessages = maxMessages;
    this.#sql = prepare(db);
    this.#index = new SearchIndex(db);
    this.#tags = new TagWrites(db);
  }

  /**
   * Writes sessions, new messages and message indexes in one transaction; returns the IDs of
   * messages pruned by --max. A new message without its index is stored unindexed (hidden from
   * lists and search) until its index op, so nothing half-parsed is ever listed.
   * IMMEDIATE, like every writer transaction: the auth store (auth-store.ts) writes the same file
   * from the main thread, and a deferred transaction that reads first (an index op) then fails
   * with SQLITE_BUSY_SNAPSHOT ("database is locked") instead of waiting when auth commits between.
   */
  writeBatch(ops: readonly WriteOp[]): string[] {
    const run = this.#db.transaction(() => {
      let added = 0;
      for (const op of ops) {
        if (op.kind === 'session') {
          this.#writeSession(op.session);
        } else if (op.kind === 'message') {
          if (this.#insertMessage(op.message)) added++;
        } else if (op.kind === 'search') {
          this.#queueLateSearch(op.row);
        } else if (this.#applyIndex(op.index)) {
          added++;
        }
      }
      const pruned = added > 0 ? this.#prune() : [];
      if (this.#pendingSearch.length >= SEARCH_ROWS_AT_ONCE) this.#writeSearchRows();
      return pruned;
    });
    return this.#keepingSearchQueue(() => run.immediate());
  }

  /** Search rows waiting to be written (the writer thread schedules flushSearch while any are). */
  get pendingSearchRows(): number {
    return this.#pendingSearch.length;
  }

  /**
   * Writes every pending search row in one transaction, so a search sees every listed message.
   * Called before any search (and any change that selects by search) and on a timer.
   */
  flushSearch(): void {
    if (this.#pendingSearch.length === 0) return;
    const run = this.#db.transaction(() => this.#writeSearchRows());
    this.#keepingSearchQueue(() => run.immediate());
  }

  /**
   * Runs a transaction that may queue or write search rows, and puts the queue back as it was if
   * the transaction rolls back: a queued row must not outlive its message (whose seq the next
   * message would reuse), and rows taken out for writing must stay queued.
   */
  #keepingSearchQueue<T>(transaction: () => T): T {
    const before = this.#pendingSearch;
    const length = before.length;
    try {
      return transaction();
    } catch (error) {
      this.#pendingSearch = before.slice(0, length);
      throw error;
    }
  }

  #writeSearchRows(): void {
    const rows = this.#pendingSearch;
    this.#pendingSearch = [];
    for (const row of rows) {
      // No pending mark: the message was deleted (or pruned) meanwhile, and needs no search row.
      if (this.#sql.deleteSearchPending.run(row.seq).changes === 1) {
        this.#index.add(row.seq, row.summary, row.body);
      }
    }
  }

  /** A row from the start-up repair (mail/reindex.ts): queued if its message still lacks one. */
  #queueLateSearch(row: LateSearchRow): void {
    const found = this.#sql.seqOf.get(row.id) as { seq: number } | undefined;
    if (!found || !this.#sql.isSearchPending.get(found.seq)) return;
    if (this.#pendingSearch.some((p) => p.seq === found.seq)) return;
    this.#pendingSearch.push({ seq: found.seq, summary: row.summary, body: row.searchText });
  }

  /** Stores a new message's bytes and envelope, and its index if known; true if it is now listed. */
  #insertMessage(m: NewMessage): boolean {
    const sessionSeq = m.session ? this.#writeSession(m.session) : null;
    const envelope = JSON.stringify(m.envelope);
    const size = m.raw.byteLength;
    const seq = Number(
      m.index
        ? this.#sql.insertIndexedMessage.run({
            // Before the spread: V8 adds properties to a spread copy on a slow path (mail-ingest.ts).
            id: m.id,
            sessionSeq,
            createdAt: m.createdAt,
            size,
            envelope,
            ...summaryColumns(m.index),
          }).lastInsertRowid
        : this.#sql.insertMessage.run(m.id, sessionSeq, m.createdAt, size, envelope).lastInsertRowid,
    );
    this.#sql.insertRaw.run(seq, Buffer.from(m.raw.buffer, m.raw.byteOffset, size));
    if (!m.index) return false;
    this.#indexSearch(seq, m.index);
    return true;
  }

  /** Fills in what parsing found and makes the message visible; false if it was deleted meanwhile. */
  #applyIndex(index: MessageIndex): boolean {
    const row = this.#sql.seqOf.get(index.id) as { seq: number; indexed: number } | undefined;
    if (!row || row.indexed === 1) return false;
    this.#sql.indexMessage.run({ seq: row.seq, ...summaryColumns(index) });
    this.#indexSearch(row.seq, index);
    return true;
  }

  /** The tags of a message whose summary columns are written, and its search row, queued. */
  #indexSearch(seq: number, index: MessageIndex): void {
    this.#sql.insertSearchPending.run(seq);
    this.#pendingSearch.push({ seq, summary: index.summary, body: index.searchText });
    if (index.tags.length > 0) this.#tags.add(seq, index.tags);
  }

  /**
   * Writes a session's row only when it is new or its state changed (a pipelined session
   * delivers many messages with the same state), then its new transcript lines as one chunk.
   */
  #writeSession(write: SessionWrite): number {
    const info = write.info;
    const state = JSON.stringify([
      info.endedAt,
      info.helo,
      info.authUser,
      info.authMethod,
      info.tlsProtocol,
      info.tlsCipher,
      info.transcriptTruncated,
    ]);
    let known = this.#sessions.get(info.id);
    if (!known || known.state !== state) {
      const { seq } = this.#sql.upsertSession.get({
        id: info.id,
        startedAt: info.startedAt,
        endedAt: info.endedAt,
        listener: info.listener,
        clientAddress: info.clientAddress,
        clientPort: info.clientPort,
        helo: info.helo,
        authUser: info.authUser,
        authMethod: info.authMethod,
        tlsProtocol: info.tlsProtocol,
        tlsCipher: info.tlsCipher,
        truncated: info.transcriptTruncated ? 1 : 0,
      }) as { seq: number };
      const nextChunk =
        known?.seq === seq ? known.nextChunk : (this.#sql.nextChunk.get(seq) as { next: number }).next;
      known = { seq, nextChunk, state };
    }
    if (write.newLines.length > 0) {
      const tuples: LineTuple[] = write.newLines.map((l) => [l.at, l.dir, l.text]);
      this.#sql.insertChunk.run(known.seq, known.nextChunk++, JSON.stringify(tuples));
    }
    if (info.endedAt === null) this.#sessions.set(info.id, known);
    else this.#sessions.delete(info.id);
    return known.seq;
  }

  #prune(): string[] {
    if (this.#maxMessages === 0) return [];
    const stats = this.#sql.stats.get() as { total: number; sessions: number };
    const pruned: string[] = [];
    if (stats.total > this.#maxMessages) {
      for (const row of this.#sql.pruneMessages.all(stats.total - this.#maxMessages) as { id: string }[]) {
        pruned.push(row.id);
      }
    }
    // Sessions are bounded by the same number, so a flood of connections cannot grow the file
    // forever; sessions still open (in #sessions) are kept, as their next message refers to them.
    if (stats.sessions > this.#maxMessages) {
      const open = JSON.stringify([...this.#sessions.values()].map((known) => known.seq));
      this.#sql.pruneSessions.run(open, stats.sessions - this.#maxMessages);
    }
    return pruned;
  }
}

/** The messages columns an index fills in, as named parameters. */
function summaryColumns(index: MessageIndex) {
  const s = index.summary;
  const addresses: StoredAddresses = {
    from: s.from,
    to: [...s.to],
    cc: [...s.cc],
    bcc: [...s.bcc],
    replyTo: [...s.replyTo],
  };
  return {
    messageId: s.messageId,
    subject: s.subject,
    addresses: JSON.stringify(addresses),
    returnPath: s.returnPath,
    date: s.date,
    attachments: s.attachments,
    inline: s.inline,
    snippet: s.snippet,
    parseError: index.parseError,
    bestCode: s.code ? JSON.stringify(s.code) : null,
    bestLink: s.link ? JSON.stringify(s.link) : null,
  };
}

function prepare(db: Db) {
  return {
    // A session row is written with each of its messages and at close; ended_at only ever goes
    // from NULL to a time, because a late message write must not reopen a closed session.
    upsertSession: db.prepare(`INSERT INTO smtp_sessions
        (id, started_at, ended_at, listener, client_address, client_port, helo, auth_user, auth_method,
         tls_protocol, tls_cipher, transcript_truncated)
      VALUES (@id, @startedAt, @endedAt, @listener, @clientAddress, @clientPort, @helo, @authUser, @authMethod,
         @tlsProtocol, @tlsCipher, @truncated)
      ON CONFLICT (id) DO UPDATE SET ended_at = coalesce(excluded.ended_at, ended_at), helo = excluded.helo,
        auth_user = excluded.auth_user, auth_method = excluded.auth_method, tls_protocol = excluded.tls_protocol,
        tls_cipher = excluded.tls_cipher, transcript_truncated = excluded.transcript_truncated
      RETURNING seq`),
    nextChunk: db.prepare(
      'SELECT coalesce(max(chunk), -1) + 1 AS next FROM smtp_transcript_chunks WHERE session_seq = ?',
    ),
    insertChunk: db.prepare(
      'INSERT INTO smtp_transcript_chunks (session_seq, chunk, lines) VALUES (?, ?, ?)',
    ),
    // Summary columns keep their defaults until the index op; addresses start empty.
    insertMessage: db.prepare(`INSERT INTO messages (id, session_seq, created_at, size, envelope, addresses)
      VALUES (?, ?, ?, ?, ?, '{"from":null,"to":[],"cc":[],"bcc":[],"replyTo":[]}')`),
    // A message parsed before its commit is inserted indexed: one row write, and it never
    // enters the partial index of unindexed messages.
    insertIndexedMessage: db.prepare(`INSERT INTO messages (id, session_seq, created_at, size, envelope,
        message_id, subject, addresses, return_path, date, attachments, inline, snippet, parse_error,
        best_code, best_link, indexed)
      VALUES (@id, @sessionSeq, @createdAt, @size, @envelope, @messageId, @subject, @addresses, @returnPath,
        @date, @attachments, @inline, @snippet, @parseError, @bestCode, @bestLink, 1)`),
    seqOf: db.prepare('SELECT seq, indexed FROM messages WHERE id = ?'),
    indexMessage:
      db.prepare(`UPDATE messages SET message_id = @messageId, subject = @subject, addresses = @addresses,
        return_path = @returnPath, date = @date, attachments = @attachments, inline = @inline, snippet = @snippet,
        parse_error = @parseError, best_code = @bestCode, best_link = @bestLink, indexed = 1
      WHERE seq = @seq`),
    insertRaw: db.prepare('INSERT INTO message_raw (seq, raw) VALUES (?, ?)'),
    insertSearchPending: db.prepare('INSERT OR IGNORE INTO search_pending (seq) VALUES (?)'),
    deleteSearchPending: db.prepare('DELETE FROM search_pending WHERE seq = ?'),
    isSearchPending: db.prepare('SELECT 1 FROM search_pending WHERE seq = ?'),
    pruneMessages: db.prepare(
      'DELETE FROM messages WHERE seq IN (SELECT seq FROM messages ORDER BY seq LIMIT ?) RETURNING id',
    ),
    pruneSessions: db.prepare(`DELETE FROM smtp_sessions WHERE seq IN (SELECT seq FROM smtp_sessions
      WHERE seq NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?)`),

    stats: db.prepare('SELECT total, sessions FROM mailbox_stats WHERE one = 1'),
  };
}
