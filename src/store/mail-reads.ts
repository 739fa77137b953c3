import type { Envelope, MessageSummary, SmtpSessionInfo, TranscriptLine } from '../mail/mail-types.ts';
import type { Db } from './store-open.ts';
import type { LineTuple, MailboxStats, SessionRecord, UnindexedMessage } from './store-types.ts';
import { rowToSummary, SUMMARY_COLUMNS, SUMMARY_FROM, type MessageRow } from './message-rows.ts';
import type { SearchQuery } from '../mail/search-types.ts';
import { searchFilter, textOnlyMatch } from './search-sql.ts';

/** Every read of the mailbox, on the main thread's read-only connection. */
export class MailReads {
  readonly #db: Db;
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.#db = db;
    this.#sql = prepare(db);
  }

  stats(): MailboxStats {
    return this.#sql.stats.get() as MailboxStats;
  }

  /** Newest first. */
  list(start: number, limit: number): MessageSummary[] {
    return (this.#sql.list.all(limit, start) as MessageRow[]).map(rowToSummary);
  }

  /** Messages matching a search, newest first, and how many match in all. */
  search(
    query: SearchQuery,
    start: number,
    limit: number,
  ): { messages: MessageSummary[]; total: number; unread: number } {
    const { where, params } = searchFilter(query);
    const rows = this.#matching(where, params, start, limit);
    const counts =
      this.#textCounts(query) ??
      (this.#db
        .prepare(
          `SELECT count(*) AS total, coalesce(sum(m.read = 0), 0) AS unread FROM messages m
           WHERE m.indexed = 1 AND ${where}`,
        )
        .get(...params) as { total: number; unread: number });
    return { messages: rows.map(rowToSummary), ...counts };
  }

  #matching(where: string, params: unknown[], start: number, limit: number): MessageRow[] {
    return this.#db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m.indexed = 1 AND ${where}
         ORDER BY m.seq DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, start) as MessageRow[];
  }

  /**
   * The counts of a text-only search without reading message rows: the full-text index holds one
   * row per listed message (written before any request is answered, mail-ingest.ts), so it gives
   * the total, and the read matches come from the small index of read messages (migration 006).
   */
  #textCounts(query: SearchQuery): { total: number; unread: number } | null {
    const match = textOnlyMatch(query);
    if (!match) return null;
    const { positive, negative } = match;
    const matches = (expression: string) =>
      this.#sql.textCounts.get(expression) as { total: number; read: number };
    if (positive !== null) {
      const { total, read } = matches(negative === null ? positive : `(${positive}) NOT (${negative})`);
      return { total, unread: total - read };
    }
    // Only negated terms: everything listed but what the negated terms match.
    const all = this.stats();
    const excluded = matches(negative as string);
    const total = all.total - excluded.total;
    return { total, unread: total - (all.total - all.unread - excluded.read) };
  }

  /** Whether one message matches a search: the same SQL as search(), limited to its row. */
  matches(id: string, query: SearchQuery): boolean {
    const { where, params } = searchFilter(query);
    const row = this.#db
      .prepare(`SELECT 1 FROM messages m WHERE m.id = ? AND m.indexed = 1 AND ${where}`)
      .get(id, ...params);
    return row !== undefined;
  }

  /** The newest message matching a search (for `latest?query=`). */
  latestMatching(query: SearchQuery): MessageSummary | null {
    const { where, params } = searchFilter(query);
    const [row] = this.#matching(where, params, 0, 1);
    return row ? rowToSummary(row) : null;
  }

  /** Committed messages not indexed yet (after a crash, or from before migration 002), oldest first. */
  unindexed(limit: number): UnindexedMessage[] {
    return toUnindexed(this.#sql.unindexed.all(limit) as UnindexedRow[]);
  }

  /**
   * Indexed messages whose search row was still queued when the process stopped (a crash),
   * oldest first, after `afterSeq`; with the seq to continue from.
   */
  searchPending(afterSeq: number, limit: number): { rows: UnindexedMessage[]; lastSeq: number } {
    const rows = this.#sql.searchPending.all(afterSeq, limit) as (UnindexedRow & { seq: number })[];
    return { rows: toUnindexed(rows), lastSeq: rows[rows.length - 1]?.seq ?? afterSeq };
  }

  /** Every tag name, sorted as Mailpit sorts them (case-insensitively). */
  tags(): string[] {
    return (this.#sql.tags.all() as { name: string }[]).map((r) => r.name);
  }

  /** Tag name → number of messages carrying it (for /api/v1/info). */
  tagCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const row of this.#sql.tagCounts.all() as { name: string; n: number }[]) counts[row.name] = row.n;
    return counts;
  }

  get(id: string): MessageSummary | null {
    const row = this.#sql.byId.get(id) as MessageRow | undefined;
    return row ? rowToSummary(row) : null;
  }

  latest(): MessageSummary | null {
    const row = this.#sql.latest.get() as MessageRow | undefined;
    return row ? rowToSummary(row) : null;
  }

  raw(id: string): Buffer | null {
    const row = this.#sql.raw.get(id) as { raw: Buffer } | undefined;
    return row ? row.raw : null;
  }

  /** Sessions newest first, each with the IDs of the messages it delivered. */
  sessions(start: number, limit: number): SmtpSessionInfo[] {
    return (this.#sql.sessions.all(limit, start) as (SessionRow & { message_ids: string })[]).map((row) => ({
      ...sessionInfo(row),
      messageIds: JSON.parse(row.message_ids) as string[],
    }));
  }

  session(id: string): SessionRecord | null {
    const row = this.#sql.session.get(id) as SessionRow | undefined;
    if (!row) return null;
    const messageIds = (this.#sql.sessionMessages.all(row.seq) as { id: string }[]).map((r) => r.id);
    const transcript: TranscriptLine[] = [];
    for (const chunk of this.#sql.sessionChunks.all(row.seq) as { lines: string }[]) {
      for (const [at, dir, text] of JSON.parse(chunk.lines) as LineTuple[])
        transcript.push({ at, dir, text });
    }
    return { ...sessionInfo(row), messageIds, transcript };
  }
}

function sessionInfo(row: SessionRow): Omit<SmtpSessionInfo, 'messageIds'> {
  return {
    id: row.id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    listener: row.listener as SmtpSessionInfo['listener'],
    clientAddress: row.client_address,
    clientPort: row.client_port,
    helo: row.helo,
    authUser: row.auth_user,
    authMethod: row.auth_method,
    tlsProtocol: row.tls_protocol,
    tlsCipher: row.tls_cipher,
    transcriptTruncated: row.transcript_truncated !== 0,
  };
}

interface SessionRow {
  seq: number;
  id: string;
  started_at: number;
  ended_at: number | null;
  listener: string;
  client_address: string;
  client_port: number;
  helo: string;
  auth_user: string | null;
  auth_method: string | null;
  tls_protocol: string | null;
  tls_cipher: string | null;
  transcript_truncated: number;
}

function prepare(db: Db) {
  return {
    stats: db.prepare('SELECT total, unread, sessions FROM mailbox_stats WHERE one = 1'),
    // Only indexed messages are listed or served: a message is indexed right after its 250.
    // The page's seqs first, from the index of listed messages (migration 007): the rows (and
    // sessions) of the skipped messages are never read, which a join before OFFSET would do.
    list: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m.seq IN (SELECT seq FROM messages
        WHERE indexed = 1 ORDER BY seq DESC LIMIT ? OFFSET ?) ORDER BY m.seq DESC`,
    ),
    byId: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m.id = ? AND m.indexed = 1`),
    latest: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m.indexed = 1 ORDER BY m.seq DESC LIMIT 1`,
    ),
    raw: db.prepare(
      'SELECT r.raw FROM message_raw r JOIN messages m ON m.seq = r.seq WHERE m.id = ? AND m.indexed = 1',
    ),
    session:
      db.prepare(`SELECT seq, id, started_at, ended_at, listener, client_address, client_port, helo, auth_user,
        auth_method, tls_protocol, tls_cipher, transcript_truncated FROM smtp_sessions WHERE id = ?`),
    sessions:
      db.prepare(`SELECT s.*, (SELECT json_group_array(m.id) FROM messages m WHERE m.session_seq = s.seq)
      AS message_ids FROM smtp_sessions s ORDER BY s.seq DESC LIMIT ? OFFSET ?`),
    sessionMessages: db.prepare('SELECT id FROM messages WHERE session_seq = ? ORDER BY seq'),
    tags: db.prepare('SELECT name FROM tags ORDER BY name COLLATE NOCASE'),
    // One pass over the matches, each looked up in the small index of read messages.
    textCounts: db.prepare(`SELECT count(*) AS total, count(r.seq) AS read FROM message_search s
      LEFT JOIN messages r INDEXED BY messages_read ON r.seq = s.rowid AND r.read = 1
      WHERE message_search MATCH ?`),
    searchPending: db.prepare(
      `SELECT m.seq, m.id, m.created_at, r.raw, m.envelope, s.id AS session_id FROM search_pending p
        JOIN messages m ON m.seq = p.seq JOIN message_raw r ON r.seq = m.seq
        LEFT JOIN smtp_sessions s ON s.seq = m.session_seq
        WHERE p.seq > ? ORDER BY p.seq LIMIT ?`,
    ),
    unindexed: db.prepare(
      `SELECT m.id, m.created_at, r.raw, m.envelope, s.id AS session_id FROM messages m
        JOIN message_raw r ON r.seq = m.seq LEFT JOIN smtp_sessions s ON s.seq = m.session_seq
        WHERE m.indexed = 0 ORDER BY m.seq LIMIT ?`,
    ),
    tagCounts: db.prepare(`SELECT t.name, count(*) AS n FROM tags t JOIN message_tags mt ON mt.tag_id = t.id
      GROUP BY t.id ORDER BY t.name COLLATE NOCASE`),
    sessionChunks: db.prepare(
      'SELECT lines FROM smtp_transcript_chunks WHERE session_seq = ? ORDER BY chunk',
    ),
  };
}

interface UnindexedRow {
  id: string;
  created_at: number;
  raw: Buffer;
  envelope: string;
  session_id: string | null;
}

function toUnindexed(rows: readonly UnindexedRow[]): UnindexedMessage[] {
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    raw: r.raw,
    envelope: JSON.parse(r.envelope) as Envelope,
    sessionId: r.session_id,
  }));
}
