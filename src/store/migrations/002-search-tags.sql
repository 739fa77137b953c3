-- Search index, tags, and what extraction found (issue 3).

-- Full-text index over the fields Mailpit's search looks at. Contentless: the text is never read
-- back, only matched, so it is not stored a second time. Rows are keyed by messages.seq.
-- unicode61 folds case and (with remove_diacritics 2) accents; CJK text is split into single
-- characters before indexing and querying (store/search-text.ts), so "验证码" finds "您的验证码是".
CREATE VIRTUAL TABLE message_search USING fts5 (
  subject,
  from_a,
  to_a,
  cc_a,
  bcc_a,
  reply_to_a,
  message_id,
  body,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
  DELETE FROM message_search WHERE rowid = OLD.seq;
END;

-- 0 for messages stored before this migration: they are indexed again at start (mail/reindex.ts).
ALTER TABLE messages ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
-- The best one-time code and action link, found at ingest, as JSON (null when there is none).
ALTER TABLE messages ADD COLUMN best_code TEXT;
ALTER TABLE messages ADD COLUMN best_link TEXT;
CREATE INDEX messages_unindexed ON messages (seq) WHERE indexed = 0;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;

CREATE TABLE message_tags (
  message_seq INTEGER NOT NULL REFERENCES messages (seq) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (message_seq, tag_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX message_tags_by_tag ON message_tags (tag_id, message_seq);

-- Tags no message carries any more are removed, as Mailpit's pruneUnusedTags does.
CREATE TRIGGER message_tags_prune AFTER DELETE ON message_tags
WHEN NOT EXISTS (SELECT 1 FROM message_tags WHERE tag_id = OLD.tag_id) BEGIN
  DELETE FROM tags WHERE id = OLD.tag_id;
END;
