import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, OTHER_PASSWORD, startAuthApp, type AuthApp } from '../helpers/auth-harness.ts';

/** Debian's Chromium (.ci/run installs it); driven by playwright-core, no downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';

describe('the auth demo pages in a real browser', () => {
  let app: AuthApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startAuthApp();
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  // expect.poll's default 1 s is too short for a mail round trip while the whole suite runs.
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });
  const form = (endpoint: string) => page.locator(`form[data-endpoint="${endpoint}"]`);
  const answer = () => page.locator('#answer');

  it('signs up with the mailed code, keeps the __Host- cookie over http://127.0.0.1, and resets the password from the mailed link', async () => {
    const address = 'browser-user@example.test';
    await page.goto(new URL('demo/', app.httpUrl).href);

    await form('register').locator('input[name=email]').fill(address);
    await form('register').locator('input[name=name]').fill('Browser User');
    await form('register').locator('input[name=password]').fill(GOOD_PASSWORD);
    await form('register').locator('button').click();
    await poll(() => answer().textContent()).toMatch(/^202/);

    const codeMail = await app.latestMail(address);
    expect(codeMail.code).toMatch(/^\d{6}$/);
    await form('register/verify').locator('input[name=email]').fill(address);
    await form('register/verify')
      .locator('input[name=code]')
      .fill(codeMail.code ?? '');
    await form('register/verify').locator('button').click();
    await poll(() => answer().textContent()).toMatch(/^201/);

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === '__Host-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });

    // The browser sends the cookie back: the session is recognised.
    // Each wait is for the status at the start of the answer: the answer shown before it (the
    // 201's user, a date such as 2026-…) can contain the address or "202" too.
    await page.locator('[data-action=session]').click();
    await poll(() => answer().textContent()).toMatch(/^200/);
    expect(await answer().textContent()).toContain(address);

    await form('password/forgot').locator('input[name=email]').fill(address);
    await form('password/forgot').locator('button').click();
    await poll(() => answer().textContent()).toMatch(/^202/);
    const resetMail = await app.latestMail(address, codeMail.id);
    expect(resetMail.resetLink).toMatch(/\/demo\/reset-password#token=[A-Za-z0-9_-]{43}$/);

    await page.goto(resetMail.resetLink ?? '');
    await poll(() => page.locator('#reset-status').textContent()).toContain('valid until');
    // The token left the address bar as soon as the page read it.
    expect(page.url()).not.toContain('token');
    await page.locator('#reset-form input[name=newPassword]').fill(OTHER_PASSWORD);
    await page.locator('#reset-form button').click();
    await poll(() => page.locator('#reset-status').textContent()).toContain('Password changed');

    // The reset revoked every session, the browser's included.
    await page.goto(new URL('demo/', app.httpUrl).href);
    await page.locator('[data-action=session]').click();
    await poll(() => answer().textContent()).toMatch(/^401/);

    await form('login').locator('input[name=email]').fill(address);
    await form('login').locator('input[name=password]').fill(OTHER_PASSWORD);
    await form('login').locator('button').click();
    await poll(() => answer().textContent()).toMatch(/^200/);
  }, 60_000);
});
