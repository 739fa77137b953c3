-- The search index is written behind the messages (store/mail-writes.ts): a message is committed
-- listed, and its FTS row follows within a fraction of a second in a batch with others, or at
-- once when a request needs it. A message whose FTS row is not written yet has a row here, so a
-- crash in between is repaired at the next start (mail/reindex.ts).
CREATE TABLE search_pending (
  seq INTEGER PRIMARY KEY REFERENCES messages (seq) ON DELETE CASCADE
) STRICT;
