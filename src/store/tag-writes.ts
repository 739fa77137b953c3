import type { Db } from './store-open.ts';

/**
 * Tag rows: a name is stored once (case-insensitively, keeping its first spelling) and linked
 * to messages; the message_tags_prune trigger drops names no message carries any more.
 */
export class TagWrites {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.#sql = prepare(db);
  }

  /** Replaces the tags of one message; returns the names as stored (existing spellings win). */
  set(seq: number, names: readonly string[]): string[] {
    this.#sql.clear.run(seq);
    return this.add(seq, names);
  }

  add(seq: number, names: readonly string[]): string[] {
    const stored: string[] = [];
    for (const name of names) {
      this.#sql.insertTag.run(name);
      const tag = this.#sql.tagByName.get(name) as { id: number; name: string };
      this.#sql.link.run(seq, tag.id);
      stored.push(tag.name);
    }
    return stored;
  }
}

function prepare(db: Db) {
  return {
    clear: db.prepare('DELETE FROM message_tags WHERE message_seq = ?'),
    insertTag: db.prepare('INSERT OR IGNORE INTO tags (name) VALUES (?)'),
    tagByName: db.prepare('SELECT id, name FROM tags WHERE name = ? COLLATE NOCASE'),
    link: db.prepare('INSERT OR IGNORE INTO message_tags (message_seq, tag_id) VALUES (?, ?)'),
  };
}
