import net from 'node:net';
import tls from 'node:tls';
import nodemailer, { type SendMailOptions } from 'nodemailer';

/** One SMTP reply: its code and every line of text (multi-line replies joined). */
export interface Reply {
  code: number;
  lines: string[];
  text: string;
}

/**
 * A raw SMTP client over a real socket, for tests that must control every byte: pipelining,
 * garbage, out-of-sequence commands. Replies are read in order as they arrive.
 */
export class SmtpConversation {
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #replies: Reply[] = [];
  #waiters: ((reply: Reply) => void)[] = [];
  #partial: string[] = [];
  closed: Promise<void>;

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#attach(socket);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<SmtpConversation> {
    const socket = options.tls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpConversation(socket);
  }

  #attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => {
      // A reset after the server closes is expected in several tests; `closed` reports the end.
    });
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let index: number;
    while ((index = this.#buffer.indexOf('\r\n')) >= 0) {
      const line = this.#buffer.slice(0, index);
      this.#buffer = this.#buffer.slice(index + 2);
      this.#partial.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply: Reply = {
        code: Number(line.slice(0, 3)),
        lines: this.#partial,
        text: this.#partial.join('\n'),
      };
      this.#partial = [];
      const waiter = this.#waiters.shift();
      if (waiter) waiter(reply);
      else this.#replies.push(reply);
    }
  }

  /** The next reply, waiting up to timeoutMs. */
  read(timeoutMs = 5000): Promise<Reply> {
    const queued = this.#replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (reply: Reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.#waiters.push(waiter);
    });
  }

  write(data: string | Buffer): void {
    this.#socket.write(data);
  }

  /** Writes `data` as a segment of its own (Nagle off) and waits until it has left. */
  flush(data: string | Buffer): Promise<void> {
    this.#socket.setNoDelay(true);
    return new Promise((resolve, reject) =>
      this.#socket.write(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Sends one command line and returns its reply. */
  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Upgrades the connection after a successful STARTTLS reply. */
  async startTls(): Promise<void> {
    const secure = tls.connect({ socket: this.#socket as net.Socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket.removeAllListeners('data');
    this.#socket = secure;
    this.closed = new Promise((resolve) => secure.once('close', () => resolve()));
    this.#attach(secure);
  }

  end(): void {
    this.#socket.end();
  }
}

/**
 * The exact bytes nodemailer composes for `mail` (CRLF line ends, as it sends them over SMTP),
 * without sending them anywhere.
 */
export async function composeMail(mail: SendMailOptions): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return (await composer.sendMail(mail)).message as Buffer;
}

/** A minimal RFC 5322 message with CRLF line ends. */
export function rfc822(headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `${head}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`;
}

/** DATA payload with dot-stuffing and the terminating line. */
export function dataPayload(message: string): string {
  const stuffed = message.replace(/(^|\r\n)\./g, '$1..');
  return `${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`;
}
