-- Captured mail, SMTP sessions and their transcripts.
-- Times are milliseconds since the Unix epoch. Public IDs are random 22-character strings;
-- `seq` is the arrival order used for listing and pruning.

CREATE TABLE smtp_sessions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  listener TEXT NOT NULL,
  client_address TEXT NOT NULL,
  client_port INTEGER NOT NULL,
  helo TEXT NOT NULL DEFAULT '',
  auth_user TEXT,
  auth_method TEXT,
  tls_protocol TEXT,
  tls_cipher TEXT,
  transcript_truncated INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A transcript is appended in chunks (one per delivered message and one at close), so a long
-- pipelined session costs one insert per message instead of rewriting a growing blob.
CREATE TABLE smtp_transcript_chunks (
  session_seq INTEGER NOT NULL REFERENCES smtp_sessions (seq) ON DELETE CASCADE,
  chunk INTEGER NOT NULL,
  lines TEXT NOT NULL, -- JSON array of [at, dir, text]
  PRIMARY KEY (session_seq, chunk)
) STRICT, WITHOUT ROWID;

CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  session_seq INTEGER REFERENCES smtp_sessions (seq) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  read INTEGER NOT NULL DEFAULT 0,
  envelope TEXT NOT NULL, -- JSON Envelope
  message_id TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  addresses TEXT NOT NULL, -- JSON {from, to, cc, bcc, replyTo}
  return_path TEXT NOT NULL DEFAULT '',
  date INTEGER,
  attachments INTEGER NOT NULL DEFAULT 0,
  inline INTEGER NOT NULL DEFAULT 0,
  snippet TEXT NOT NULL DEFAULT '',
  parse_error TEXT
) STRICT;

CREATE INDEX messages_by_session ON messages (session_seq);

-- Raw bytes live apart from the summary row so listing never pages through message bodies.
CREATE TABLE message_raw (
  seq INTEGER PRIMARY KEY REFERENCES messages (seq) ON DELETE CASCADE,
  raw BLOB NOT NULL
) STRICT;

-- Counters kept by triggers: count(*) over 100,000 rows would cost milliseconds on every list.
CREATE TABLE mailbox_stats (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  total INTEGER NOT NULL,
  unread INTEGER NOT NULL,
  sessions INTEGER NOT NULL
) STRICT;
INSERT INTO mailbox_stats (one, total, unread, sessions) VALUES (1, 0, 0, 0);

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
  UPDATE mailbox_stats SET total = total + 1, unread = unread + (NEW.read = 0) WHERE one = 1;
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
  UPDATE mailbox_stats SET total = total - 1, unread = unread - (OLD.read = 0) WHERE one = 1;
END;
CREATE TRIGGER messages_count_read AFTER UPDATE OF read ON messages WHEN NEW.read <> OLD.read BEGIN
  UPDATE mailbox_stats SET unread = unread + (NEW.read = 0) - (OLD.read = 0) WHERE one = 1;
END;
CREATE TRIGGER sessions_count_insert AFTER INSERT ON smtp_sessions BEGIN
  UPDATE mailbox_stats SET sessions = sessions + 1 WHERE one = 1;
END;
CREATE TRIGGER sessions_count_delete AFTER DELETE ON smtp_sessions BEGIN
  UPDATE mailbox_stats SET sessions = sessions - 1 WHERE one = 1;
END;
