/**
 * A deliberately cheap SMTP client for load: one raw socket, EHLO once, then per message one
 * pipelined write of MAIL FROM + RCPT TO + DATA (RFC 2920), the three replies, the pre-built
 * message, and its final reply. It never parses more than reply codes, so the benchmark measures
 * the server rather than itself.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MessageTemplate } from './mail.ts';

export interface Reply {
  readonly code: number;
  /** The last line's text after the code, e.g. "2.0.0 Ok: queued as …". */
  readonly text: string;
  /** Every line of a multi-line reply (EHLO), without codes. */
  readonly lines: readonly string[];
  /** performance.now() when the reply's last line was read. */
  readonly at: number;
}

export interface Transaction {
  /** 250 when the message was accepted; otherwise the first failing reply's code. */
  readonly code: number;
  readonly text: string;
  /** When the deciding reply arrived (performance.now()). */
  readonly at: number;
  /** When the message's last byte (the final ".") was handed to the socket; null if never sent. */
  readonly sentAt: number | null;
}

export class SmtpConnection {
  readonly #socket: net.Socket;
  #buffer = '';
  #partial: string[] = [];
  readonly #replies: Reply[] = [];
  readonly #waiters: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  #failure: Error | null = null;
  /** Capabilities from the EHLO reply (upper case keywords). */
  capabilities: readonly string[] = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed by the server')));
  }

  /** Connects, reads the greeting and sends EHLO; fails unless the server offers PIPELINING. */
  static async open(port: number, host = '127.0.0.1'): Promise<SmtpConnection> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connection = new SmtpConnection(socket);
    const greeting = await connection.reply();
    if (greeting.code !== 220) throw new Error(`unexpected greeting: ${greeting.code} ${greeting.text}`);
    connection.#socket.write('EHLO bench.catchall.test\r\n');
    const ehlo = await connection.reply();
    if (ehlo.code !== 250) throw new Error(`EHLO refused: ${ehlo.code} ${ehlo.text}`);
    connection.capabilities = ehlo.lines.slice(1).map((l) => l.split(' ')[0]?.toUpperCase() ?? '');
    if (!connection.capabilities.includes('PIPELINING')) {
      throw new Error('the server does not advertise PIPELINING');
    }
    return connection;
  }

  /** Sends message `index` of `template`; rejects only if the connection is lost. */
  async send(template: MessageTemplate, index: number): Promise<Transaction> {
    this.#socket.write(template.envelope(index));
    const mail = await this.reply();
    const rcpt = await this.reply();
    const data = await this.reply();
    if (data.code !== 354) {
      // The server refused DATA (so it never reads the body); report the first refusal.
      const first = [mail, rcpt, data].find((r) => r.code >= 400) ?? data;
      return { code: first.code, text: first.text, at: data.at, sentAt: null };
    }
    // One writev: the small unique head and the shared, immutable rest of the message.
    this.#socket.cork();
    this.#socket.write(template.head(index));
    this.#socket.write(template.rest(index));
    this.#socket.uncork();
    const sentAt = performance.now();
    const end = await this.reply();
    return { code: end.code, text: end.text, at: end.at, sentAt };
  }

  /** The next reply in order (resolves at once if it already arrived). */
  reply(): Promise<Reply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async quit(): Promise<void> {
    if (this.#failure) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.end('QUIT\r\n');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let start = 0;
    let end: number;
    while ((end = this.#buffer.indexOf('\r\n', start)) !== -1) {
      const line = this.#buffer.slice(start, end);
      start = end + 2;
      this.#partial.push(line.slice(4));
      if (line.charCodeAt(3) === 45 /* "-": more lines follow */) continue;
      const reply: Reply = {
        code: Number(line.slice(0, 3)),
        text: line.slice(4),
        lines: this.#partial,
        at: performance.now(),
      };
      this.#partial = [];
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(reply);
      else this.#replies.push(reply);
    }
    this.#buffer = start === this.#buffer.length ? '' : this.#buffer.slice(start);
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

/** The message ID from a 250 reply such as "2.0.0 Ok: queued as 0abcDEF…" (null if absent). */
export function queuedId(text: string): string | null {
  const match = /queued as (\S+)/.exec(text);
  return match ? (match[1] as string) : null;
}
