import { MailpitClient } from 'mailpit-api';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The unmodified npm client `mailpit-api` against catchall: its own calls, request shapes and
 * response parsing. If catchall's API drifts from Mailpit's, these fail.
 */
describe('mailpit-api client against catchall', () => {
  let app: TestApp;
  let mailpit: MailpitClient;
  const smtp = () => nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });

  beforeAll(async () => {
    app = await startTestApp(['--enable-chaos']);
    mailpit = new MailpitClient(app.httpUrl);
  });
  afterAll(() => app.stop());

  it('sends through the send API and lists, searches and reads the message', async () => {
    const sent = await mailpit.sendMessage({
      From: { Email: 'shop@example.test', Name: 'Shop' },
      To: [{ Email: 'ann+orders@example.test', Name: 'Ann' }],
      Bcc: ['audit@example.test'],
      Subject: 'Your order 1042',
      Text: 'Thanks for your order.',
      HTML: '<p>Thanks for your <b>order</b>.</p>',
      Tags: ['Shop'],
      Attachments: [{ Content: Buffer.from('%PDF-1.4 invoice').toString('base64'), Filename: 'invoice.pdf' }],
    });
    expect(sent.ID).toMatch(/^[A-Za-z0-9]{22}$/);

    const list = await mailpit.listMessages();
    expect(list.messages[0]?.ID).toBe(sent.ID);
    expect(list.messages[0]?.Tags).toEqual(['orders', 'Shop']);

    const found = await mailpit.searchMessages({ query: 'subject:"order 1042" has:attachment' });
    expect(found.messages_count).toBe(1);
    expect(found.messages.map((m) => m.ID)).toEqual([sent.ID]);

    const message = await mailpit.getMessageSummary();
    expect(message.ID).toBe(sent.ID);
    expect(message.From).toEqual({ Name: 'Shop', Address: 'shop@example.test' });
    expect(message.Bcc).toEqual([{ Name: '', Address: 'audit@example.test' }]);
    expect(message.Attachments[0]?.FileName).toBe('invoice.pdf');

    const headers = await mailpit.getMessageHeaders(sent.ID);
    expect(headers['Subject']).toEqual(['Your order 1042']);
    expect(headers['X-Tags']).toEqual(['Shop']);

    const source = await mailpit.getMessageSource(sent.ID);
    expect(source).toContain('Subject: Your order 1042');

    const part = await mailpit.getMessageAttachment(sent.ID, message.Attachments[0]?.PartID ?? '');
    expect(await part.text()).toBe('%PDF-1.4 invoice');

    expect(await mailpit.renderMessageHTML(sent.ID)).toContain('<b>order</b>');
    expect(await mailpit.renderMessageText(sent.ID)).toContain('Thanks for your order.');
  });

  it('waits for a message that arrives later, by search', async () => {
    const waiting = mailpit.waitForMessage(
      { query: 'to:late@example.test' },
      { timeout: 5000, interval: 50 },
    );
    const t = smtp();
    await t.sendMail({ from: 'app@example.test', to: 'late@example.test', subject: 'late one', text: 'x' });
    t.close();
    expect((await waiting).Subject).toBe('late one');
  });

  it('sets read status by ID and by search', async () => {
    const t = smtp();
    const info = await t.sendMail({
      from: 'a@example.test',
      to: 'read@example.test',
      subject: 'to read',
      text: 'x',
    });
    t.close();
    const id = /queued as (\w+)/.exec(info.response)?.[1] ?? '';
    expect(await mailpit.setReadStatus({ IDs: [id], Read: true })).toBe('ok');
    expect((await mailpit.searchMessages({ query: 'is:read to:read@example.test' })).messages_count).toBe(1);
    expect(await mailpit.setReadStatus({ Search: 'to:read@example.test', Read: false })).toBe('ok');
    expect((await mailpit.searchMessages({ query: 'is:unread to:read@example.test' })).messages_count).toBe(
      1,
    );
  });

  it('tags, renames and deletes tags', async () => {
    const { messages } = await mailpit.listMessages(0, 2);
    const ids = messages.map((m) => m.ID);
    expect(await mailpit.setTags({ IDs: ids, Tags: ['Alpha', 'beta'] })).toBe('ok');
    expect(await mailpit.getTags()).toEqual(expect.arrayContaining(['Alpha', 'beta']));
    expect(await mailpit.renameTag('Alpha', 'Gamma')).toBe('ok');
    expect((await mailpit.searchMessages({ query: 'tag:Gamma' })).messages_count).toBe(2);
    expect(await mailpit.deleteTag('Gamma')).toBe('ok');
    expect(await mailpit.getTags()).not.toContain('Gamma');
  });

  it('reads and sets chaos triggers', async () => {
    const set = await mailpit.setChaosTriggers({ Sender: { ErrorCode: 451, Probability: 100 } });
    expect(set.Sender).toEqual({ ErrorCode: 451, Probability: 100 });
    const t = smtp();
    await expect(
      t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 451,
    });
    t.close();
    const reset = await mailpit.setChaosTriggers();
    expect(reset.Sender.Probability).toBe(0);
    expect((await mailpit.getChaosTriggers()).Authentication).toEqual({ ErrorCode: 535, Probability: 0 });
  });

  it('reports info and web UI configuration', async () => {
    const info = await mailpit.getInfo();
    expect(info.Messages).toBeGreaterThan(0);
    expect(info.Tags).toEqual(expect.objectContaining({ orders: 1 }));
    const config = await mailpit.getConfiguration();
    expect(config.ChaosEnabled).toBe(true);
  });

  it('deletes by search, then everything', async () => {
    expect(await mailpit.deleteMessagesBySearch({ query: 'to:late@example.test' })).toBe('ok');
    expect((await mailpit.searchMessages({ query: 'to:late@example.test' })).messages_count).toBe(0);
    expect(await mailpit.deleteMessages()).toBe('ok');
    const list = await mailpit.listMessages();
    expect(list.total).toBe(0);
    expect(list.messages).toEqual([]);
  });

  it('answers the checks it does not run with a clear 400', async () => {
    const t = smtp();
    await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'check me', text: 'x' });
    t.close();
    await expect(mailpit.htmlCheck()).rejects.toThrow(/400.*not_enabled|caniemail/);
    await expect(mailpit.spamAssassinCheck()).rejects.toThrow(/400/);
  });
});
