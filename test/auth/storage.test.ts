import Database from 'better-sqlite3';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startAuthApp, type AuthApp } from '../helpers/auth-harness.ts';
import { startTestApp } from '../helpers/test-app.ts';

/** What is at rest: no code, token or password in the database (specs/auth.md "Storage"). */
describe('auth secrets at rest', () => {
  let dir: string;
  let app: AuthApp;
  let db: Database.Database;
  const address = 'stored@example.test';
  const secrets: { code: string; token: string; sessionToken: string } = {
    code: '',
    token: '',
    sessionToken: '',
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-auth-store-'));
    app = await startAuthApp(['--database', path.join(dir, 'mail.db')]);
    expect((await app.post('register', { email: address, password: GOOD_PASSWORD })).status).toBe(202);
    secrets.code = (await app.latestMail(address)).code ?? '';
    db = new Database(path.join(dir, 'mail.db'), { readonly: true });
  });

  afterAll(async () => {
    db?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const key = () => readFileSync(path.join(dir, 'mail.db.auth-key'), 'utf8').trim();
  const sha256 = (text: string) => createHash('sha256').update(text).digest();

  it('keeps the code HMAC key beside the database, readable by the owner only', () => {
    const stat = statSync(path.join(dir, 'mail.db.auth-key'));
    expect(stat.mode & 0o077).toBe(0);
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores a code as HMAC-SHA-256(key, purpose ‖ 0 ‖ email ‖ 0 ‖ code), never the code', () => {
    const row = db.prepare("SELECT code_mac FROM auth_codes WHERE purpose = 'register'").get() as {
      code_mac: Buffer;
    };
    const expected = createHmac('sha256', key()).update(`register\0${address}\0${secrets.code}`).digest();
    expect(row.code_mac.equals(expected)).toBe(true);
  });

  it('stores the pending password as an scrypt string with its parameters', () => {
    const row = db.prepare('SELECT password_hash FROM auth_pending').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('stores session and reset tokens as SHA-256 only', async () => {
    const verified = await app.post<{ session: { token: string } }>(
      'register/verify',
      { email: address, code: secrets.code },
      { 'x-session-transport': 'token' },
    );
    expect(verified.status).toBe(201);
    secrets.sessionToken = verified.body.session.token;
    const sessions = db.prepare('SELECT token_hash FROM auth_sessions').all() as { token_hash: Buffer }[];
    expect(sessions.map((s) => s.token_hash.toString('hex'))).toEqual([
      sha256(secrets.sessionToken).toString('hex'),
    ]);

    const before = (await app.latestMail(address)).id;
    expect((await app.post('password/forgot', { email: address })).status).toBe(202);
    const link = (await app.latestMail(address, before)).resetLink ?? '';
    secrets.token = new URL(link).hash.replace('#token=', '');
    const tokens = db.prepare('SELECT token_hash FROM auth_reset_tokens').all() as { token_hash: Buffer }[];
    expect(tokens.map((t) => t.token_hash.toString('hex'))).toEqual([sha256(secrets.token).toString('hex')]);
  });

  it('has no code, token or password in any auth table', () => {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'auth_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables.length).toBeGreaterThanOrEqual(9);
    const dump = tables
      .flatMap((table) => db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[])
      .map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
      .join('\n');
    expect(secrets.code).toMatch(/^\d{6}$/);
    for (const secret of [secrets.code, secrets.token, secrets.sessionToken, GOOD_PASSWORD]) {
      expect(secret.length).toBeGreaterThan(0);
      expect(dump).not.toContain(secret);
    }
  });

  it('a code mailed before a restart still verifies after it (the key is kept)', async () => {
    const before = (await app.latestMail(address)).id;
    expect((await app.post('login/code', { email: address })).status).toBe(202);
    const code = (await app.latestMail(address, before)).code;
    await app.stop();
    app = await startAuthApp(['--database', path.join(dir, 'mail.db')]);
    expect((await app.post('login/code/verify', { email: address, code })).status).toBe(200);
  });
});

describe('password hashing outside harness mode', () => {
  it('uses scrypt N=2^17 (ln=17), r=8, p=1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-auth-scrypt-'));
    const app = await startTestApp(['--database', path.join(dir, 'mail.db')]);
    try {
      const res = await app.http('auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'standard@example.test', password: GOOD_PASSWORD }),
      });
      expect(res.status).toBe(202);
      const db = new Database(path.join(dir, 'mail.db'), { readonly: true });
      const row = db.prepare('SELECT password_hash FROM auth_pending').get() as { password_hash: string };
      db.close();
      expect(row.password_hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
