import type { MessageSummary, SmtpSessionInfo, TranscriptLine } from '../mail/mail-types.ts';
import type { Db } from './store-open.ts';
import type { LineTuple, MailboxStats, SessionRecord } from './store-types.ts';
import { rowToSummary, SUMMARY_COLUMNS, SUMMARY_FROM, type MessageRow } from './message-rows.ts';

/** Every read of the mailbox, on the main thread's read-only connection. */
export class MailReads {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.#sql = prepare(db);
  }

  stats(): MailboxStats {
    return this.#sql.stats.get() as MailboxStats;
  }

  /** Newest first. */
  list(start: number, limit: number): MessageSummary[] {
    return (this.#sql.list.all(limit, start) as MessageRow[]).map(rowToSummary);
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

  session(id: string): SessionRecord | null {
    const row = this.#sql.session.get(id) as SessionRow | undefined;
    if (!row) return null;
    const messageIds = (this.#sql.sessionMessages.all(row.seq) as { id: string }[]).map((r) => r.id);
    const transcript: TranscriptLine[] = [];
    for (const chunk of this.#sql.sessionChunks.all(row.seq) as { lines: string }[]) {
      for (const [at, dir, text] of JSON.parse(chunk.lines) as LineTuple[])
        transcript.push({ at, dir, text });
    }
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
      messageIds,
      transcript,
    };
  }
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
    list: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} ORDER BY m.seq DESC LIMIT ? OFFSET ?`),
    byId: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m.id = ?`),
    latest: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} ORDER BY m.seq DESC LIMIT 1`),
    raw: db.prepare('SELECT r.raw FROM message_raw r JOIN messages m ON m.seq = r.seq WHERE m.id = ?'),
    session:
      db.prepare(`SELECT seq, id, started_at, ended_at, listener, client_address, client_port, helo, auth_user,
        auth_method, tls_protocol, tls_cipher, transcript_truncated FROM smtp_sessions WHERE id = ?`),
    sessionMessages: db.prepare('SELECT id FROM messages WHERE session_seq = ? ORDER BY seq'),
    sessionChunks: db.prepare(
      'SELECT lines FROM smtp_transcript_chunks WHERE session_seq = ? ORDER BY chunk',
    ),
  };
}
