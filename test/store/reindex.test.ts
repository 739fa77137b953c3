import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type MessagesList } from '../helpers/test-app.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-reindex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('messages stored before the search index existed', () => {
  it('are indexed and tagged in the background after start', async () => {
    const database = path.join(dir, 'old.db');
    const first = await startTestApp(['--database', database]);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: first.smtpPort, ignoreTLS: true });
    await t.sendMail({
      from: 'a@example.test',
      to: 'ann+legacy@example.test',
      subject: 'old invoice',
      text: 'kumquat',
    });
    t.close();
    await first.stop();

    // Put the file back in the state migration 002 finds an older database in: messages,
    // but no search rows, no tags, nothing marked indexed.
    const db = new Database(database);
    db.exec('DELETE FROM message_search; DELETE FROM message_tags; UPDATE messages SET indexed = 0');
    db.close();

    const second = await startTestApp(['--database', database]);
    try {
      const found = await eventually(async () => {
        const list = await second.json<MessagesList>('api/v1/search?query=kumquat');
        return list.messages_count === 1 ? list : undefined;
      });
      expect(found.messages[0]?.Subject).toBe('old invoice');
      expect(found.messages[0]?.Tags).toEqual(['legacy']);
    } finally {
      await second.stop();
    }
  });
});
