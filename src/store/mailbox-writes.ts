import type { SearchQuery } from '../mail/search-types.ts';
import type { Db } from './store-open.ts';
import { searchFilter } from './search-sql.ts';
import { TagWrites } from './tag-writes.ts';

/** Which messages a mutation applies to: listed IDs, every message, or those matching a search. */
export type Selection =
  { readonly ids: readonly string[] } | { readonly all: true } | { readonly query: SearchQuery };

/**
 * Changes users make through the API: delete, mark read or unread, tag. Runs on the writer
 * thread like every write; each call is one transaction and returns exactly what changed, so
 * the caller can publish precise events.
 */
export class MailboxWrites {
  readonly #db: Db;
  readonly #tags: TagWrites;
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.#db = db;
    this.#tags = new TagWrites(db);
    this.#sql = prepare(db);
  }

  /** Deletes the selected messages; returns their IDs. */
  delete(selection: Selection): string[] {
    const run = this.#db.transaction(() => {
      const { where, params } = this.#filter(selection);
      const rows = this.#db.prepare(`DELETE FROM messages AS m WHERE ${where} RETURNING id`).all(...params);
      return (rows as { id: string }[]).map((r) => r.id);
    });
    return run.immediate();
  }

  /** Marks the selected messages read or unread; returns the IDs whose state changed. */
  setRead(selection: Selection, read: boolean): string[] {
    const run = this.#db.transaction(() => {
      const { where, params } = this.#filter(selection);
      const rows = this.#db
        .prepare(`UPDATE messages AS m SET read = ? WHERE read <> ? AND ${where} RETURNING id`)
        .all(read ? 1 : 0, read ? 1 : 0, ...params);
      return (rows as { id: string }[]).map((r) => r.id);
    });
    return run.immediate();
  }

  /** Replaces the tags of the listed messages; returns each found message's tags as stored. */
  setTags(ids: readonly string[], tags: readonly string[]): { id: string; tags: string[] }[] {
    const run = this.#db.transaction(() => {
      const out: { id: string; tags: string[] }[] = [];
      for (const id of ids) {
        const row = this.#sql.seqOf.get(id) as { seq: number } | undefined;
        if (row) out.push({ id, tags: this.#tags.set(row.seq, tags) });
      }
      return out;
    });
    return run.immediate();
  }

  /** Renames a tag (merging into an existing tag of that name); returns the affected message IDs. */
  renameTag(from: string, to: string): string[] {
    const run = this.#db.transaction(() => {
      const source = this.#sql.tagByName.get(from) as { id: number } | undefined;
      if (!source) return [];
      const ids = this.#sql.messagesWithTag.all(source.id) as { id: string; seq: number }[];
      const target = this.#sql.tagByName.get(to) as { id: number } | undefined;
      if (!target || target.id === source.id) {
        this.#sql.renameTag.run(to, source.id);
      } else {
        this.#sql.moveTag.run(target.id, source.id);
        this.#sql.deleteTag.run(source.id);
      }
      return ids.map((r) => r.id);
    });
    return run.immediate();
  }

  /** Removes a tag from every message; returns the affected message IDs. */
  deleteTag(name: string): string[] {
    const run = this.#db.transaction(() => {
      const tag = this.#sql.tagByName.get(name) as { id: number } | undefined;
      if (!tag) return [];
      const ids = this.#sql.messagesWithTag.all(tag.id) as { id: string }[];
      this.#sql.deleteTag.run(tag.id);
      return ids.map((r) => r.id);
    });
    return run.immediate();
  }

  #filter(selection: Selection): { where: string; params: unknown[] } {
    if ('all' in selection) return { where: '1', params: [] };
    if ('ids' in selection) {
      return { where: 'm.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(selection.ids)] };
    }
    return searchFilter(selection.query);
  }
}

function prepare(db: Db) {
  return {
    seqOf: db.prepare('SELECT seq FROM messages WHERE id = ?'),
    tagByName: db.prepare('SELECT id FROM tags WHERE name = ? COLLATE NOCASE'),
    messagesWithTag: db.prepare(
      'SELECT m.id, m.seq FROM message_tags mt JOIN messages m ON m.seq = mt.message_seq WHERE mt.tag_id = ?',
    ),
    renameTag: db.prepare('UPDATE tags SET name = ? WHERE id = ?'),
    moveTag: db.prepare('UPDATE OR IGNORE message_tags SET tag_id = ? WHERE tag_id = ?'),
    deleteTag: db.prepare('DELETE FROM tags WHERE id = ?'),
  };
}
