-- The listed messages in order, without their rows: a page deep in the list (start=99,950 of
-- 100,000) skips index entries instead of stepping through 99,950 message rows (~41 → ~4 ms;
-- the rows of the skipped ones are never read). New mail appends to its right edge, one page per
-- group commit: no measurable ingest cost (scratch benchmark of store/mail-writes.ts, 152 and
-- 153 µs per 2 KB message, three runs each).
CREATE INDEX messages_listed ON messages (seq) WHERE indexed = 1;
