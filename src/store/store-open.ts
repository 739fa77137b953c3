import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

export interface OpenedDatabase {
  /** The main thread's connection: read-only after migrations (writes go to the writer thread). */
  readonly db: Db;
  readonly file: string;
  readonly temporary: boolean;
  /** Closes the connection; a temporary database's folder is removed. */
  close(): void;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * 8 KiB pages, measured against 4 and 16 KiB on the reference machine with the real schema and
 * FULL sync: per stored message 0.30 ms for 100 KB bodies (4 KiB: 0.34) and 0.068 ms for 2 KB
 * (16 KiB: 0.135, since every commit rewrites whole index pages). Only applies to a new file.
 */
const PAGE_SIZE = 8192;

/**
 * Opens (creating if needed) the database and brings its schema up to date, then makes this
 * connection read-only. With no path, the database is a file in a fresh temporary folder (not
 * `:memory:`, so message bodies stay on disk and memory stays flat), removed again by close().
 */
export function openDatabase(file: string | null): OpenedDatabase {
  const temporary = file === null;
  const target = file ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'catchall-')), 'catchall.db');
  if (!temporary) mkdirSync(path.dirname(target), { recursive: true });
  const db = new Database(target);
  try {
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    db.pragma('query_only = 1');
  } catch (error) {
    db.close();
    throw error;
  }
  let closed = false;
  return {
    db,
    file: target,
    temporary,
    close() {
      if (closed) return;
      closed = true;
      db.close();
      if (temporary) rmSync(path.dirname(target), { recursive: true, force: true });
    },
  };
}

/** The connection that writes (on the writer thread); the schema must already be migrated. */
export function openWriterConnection(file: string, temporary: boolean): Db {
  const db = new Database(file);
  // FULL syncs the WAL at every commit, so a "250" survives power loss, not only a crash. The
  // fsync runs on the writer thread and is shared by a whole group commit (mail/group-commit.ts).
  // A temporary database dies with the process anyway.
  db.pragma(`synchronous = ${temporary ? 'OFF' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Without this the WAL file keeps its largest size forever after a burst of big messages.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  return db;
}

/** Applies migrations/NNN-*.sql in order; PRAGMA user_version records the last applied number. */
function migrate(db: Db): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  const latest = files.length > 0 ? Number(files[files.length - 1]?.slice(0, 3)) : 0;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this catchall knows (${latest})`);
  }
  for (const name of files) {
    const version = Number(name.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
