import type { Db } from './store-open.ts';
import type { LineTuple, MessageIndex, SessionWrite, WriteOp } from './store-types.ts';
import type { StoredAddresses } from './message-rows.ts';
import { SearchIndex } from './search-index.ts';
import { TagWrites } from './tag-writes.ts';

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

  constructor(db: Db, maxMessages: number) {
    this.#db = db;
    this.#maxMessages = maxMessages;
    this.#sql = prepare(db);
    this.#index = new SearchIndex(db);
    this.#tags = new TagWrites(db);
  }

  /**
   * Writes sessions, new messages and message indexes in one transaction; returns the IDs of
   * messages pruned by --max. A new message is stored unindexed (hidden from lists and search)
   * until its index op, so nothing half-parsed is ever listed.
   */
  writeBatch(ops: readonly WriteOp[]): string[] {
    return this.#db.transaction(() => {
      let added = 0;
      for (const op of ops) {
        if (op.kind === 'session') {
          this.#writeSession(op.session);
        } else if (op.kind === 'message') {
          const sessionSeq = op.message.session ? this.#writeSession(op.message.session) : null;
          const m = op.message;
          const seq = Number(
            this.#sql.insertMessage.run(
              m.id,
              sessionSeq,
              m.createdAt,
              m.raw.byteLength,
              JSON.stringify(m.envelope),
            ).lastInsertRowid,
          );
          this.#sql.insertRaw.run(seq, Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength));
        } else if (this.#applyIndex(op.index)) {
          added++;
        }
      }
      return added > 0 ? this.#prune() : [];
    })();
  }

  /** Fills in what parsing found and makes the message visible; false if it was deleted meanwhile. */
  #applyIndex(index: MessageIndex): boolean {
    const row = this.#sql.seqOf.get(index.id) as { seq: number; indexed: number } | undefined;
    if (!row || row.indexed === 1) return false;
    const s = index.summary;
    const addresses: StoredAddresses = {
      from: s.from,
      to: [...s.to],
      cc: [...s.cc],
      bcc: [...s.bcc],
      replyTo: [...s.replyTo],
    };
    this.#sql.indexMessage.run({
      seq: row.seq,
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
    });
    this.#index.add(row.seq, s, index.searchText);
    if (index.tags.length > 0) this.#tags.add(row.seq, index.tags);
    return true;
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
    seqOf: db.prepare('SELECT seq, indexed FROM messages WHERE id = ?'),
    indexMessage:
      db.prepare(`UPDATE messages SET message_id = @messageId, subject = @subject, addresses = @addresses,
        return_path = @returnPath, date = @date, attachments = @attachments, inline = @inline, snippet = @snippet,
        parse_error = @parseError, best_code = @bestCode, best_link = @bestLink, indexed = 1
      WHERE seq = @seq`),
    insertRaw: db.prepare('INSERT INTO message_raw (seq, raw) VALUES (?, ?)'),
    pruneMessages: db.prepare(
      'DELETE FROM messages WHERE seq IN (SELECT seq FROM messages ORDER BY seq LIMIT ?) RETURNING id',
    ),
    pruneSessions: db.prepare(`DELETE FROM smtp_sessions WHERE seq IN (SELECT seq FROM smtp_sessions
      WHERE seq NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?)`),

    stats: db.prepare('SELECT total, sessions FROM mailbox_stats WHERE one = 1'),
  };
}
