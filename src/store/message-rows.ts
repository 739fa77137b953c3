import type { Envelope, FoundCode, FoundLink, MailAddress, MessageSummary } from '../mail/mail-types.ts';

/** A `messages` row as SQLite returns it. */
export interface MessageRow {
  seq: number;
  id: string;
  session_id: string | null;
  created_at: number;
  size: number;
  read: number;
  envelope: string;
  message_id: string;
  subject: string;
  addresses: string;
  return_path: string;
  date: number | null;
  attachments: number;
  inline: number;
  snippet: string;
  parse_error: string | null;
  tags: string;
  best_code: string | null;
  best_link: string | null;
}

export interface StoredAddresses {
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
}

/** Columns selected for a summary; joins the session's public id. */
export const SUMMARY_COLUMNS = `m.seq, m.id, s.id AS session_id, m.created_at, m.size, m.read, m.envelope,
  m.message_id, m.subject, m.addresses, m.return_path, m.date, m.attachments, m.inline, m.snippet, m.parse_error, m.best_code, m.best_link,
  (SELECT json_group_array(t.name) FROM (SELECT t.name FROM message_tags mt JOIN tags t ON t.id = mt.tag_id
    WHERE mt.message_seq = m.seq ORDER BY t.name COLLATE NOCASE) t) AS tags`;

export const SUMMARY_FROM = 'messages m LEFT JOIN smtp_sessions s ON s.seq = m.session_seq';

export function rowToSummary(row: MessageRow): MessageSummary {
  const addresses = JSON.parse(row.addresses) as StoredAddresses;
  return {
    id: row.id,
    createdAt: row.created_at,
    size: row.size,
    read: row.read !== 0,
    tags: JSON.parse(row.tags) as string[],
    envelope: JSON.parse(row.envelope) as Envelope,
    sessionId: row.session_id,
    parseError: row.parse_error,
    messageId: row.message_id,
    subject: row.subject,
    from: addresses.from,
    to: addresses.to,
    cc: addresses.cc,
    bcc: addresses.bcc,
    replyTo: addresses.replyTo,
    returnPath: row.return_path,
    date: row.date,
    attachments: row.attachments,
    inline: row.inline,
    snippet: row.snippet,
    code: row.best_code ? (JSON.parse(row.best_code) as FoundCode) : null,
    link: row.best_link ? (JSON.parse(row.best_link) as FoundLink) : null,
  };
}
