-- Ingest now commits a message in two steps: its bytes and envelope (before the "250"), then
-- what parsing found (indexed = 1), and only indexed messages are listed. The mailbox counters
-- follow: a message counts from the moment it is indexed.

DROP TRIGGER messages_count_insert;
DROP TRIGGER messages_count_delete;
DROP TRIGGER messages_count_read;

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages WHEN NEW.indexed = 1 BEGIN
  UPDATE mailbox_stats SET total = total + 1, unread = unread + (NEW.read = 0) WHERE one = 1;
END;
CREATE TRIGGER messages_count_indexed AFTER UPDATE OF indexed ON messages
WHEN NEW.indexed = 1 AND OLD.indexed = 0 BEGIN
  UPDATE mailbox_stats SET total = total + 1, unread = unread + (NEW.read = 0) WHERE one = 1;
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages WHEN OLD.indexed = 1 BEGIN
  UPDATE mailbox_stats SET total = total - 1, unread = unread - (OLD.read = 0) WHERE one = 1;
END;
CREATE TRIGGER messages_count_read AFTER UPDATE OF read ON messages
WHEN NEW.read <> OLD.read AND NEW.indexed = 1 BEGIN
  UPDATE mailbox_stats SET unread = unread + (NEW.read = 0) - (OLD.read = 0) WHERE one = 1;
END;

UPDATE mailbox_stats SET
  total = (SELECT count(*) FROM messages WHERE indexed = 1),
  unread = (SELECT count(*) FROM messages WHERE indexed = 1 AND read = 0)
WHERE one = 1;
