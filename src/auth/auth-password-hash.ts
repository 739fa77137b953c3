import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt from node:crypto, stored as `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, no padding)
 * so parameters can be raised later and old hashes still verify. N=2^17, r=8, p=1 is OWASP's
 * Password Storage Cheat Sheet minimum for scrypt; it needs 128 MiB, so maxmem is raised to
 * 256 MiB (Node's default of 32 MiB would refuse it).
 */
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const MAX_MEM = 256 * 1024 * 1024;
/**
 * At most this many scrypt runs at once: each holds 128 MiB for ~0.3 s at N=2^17, and libuv's four
 * threads would otherwise let a burst of logins take 512 MiB and every core on a 2-core machine.
 */
const MAX_CONCURRENT = 2;
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** ln, r, p, maxmem: MAX_MEM };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

export class PasswordHasher {
  private readonly ln: number;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Hashes cheaper than this do not verify (a harness database used without harness mode). */
  private readonly minLn: number;
  private dummy: Promise<string> | null = null;

  constructor(ln: number, minLn: number) {
    this.ln = ln;
    this.minLn = minLn;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.limited(() => derive(password, salt, this.ln, R, P));
    return `$scrypt$ln=${this.ln},r=${R},p=${P}$${b64(salt)}$${b64(key)}`;
  }

  /** True when `password` matches; a malformed or too-cheap hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const match = FORMAT.exec(stored);
    if (!match) return false;
    const [, ln, r, p, salt, expected] = match.map((m) => m ?? '');
    if (Number(ln) < this.minLn) return false;
    const want = Buffer.from(expected ?? '', 'base64');
    const key = await this.limited(() =>
      derive(password, Buffer.from(salt ?? '', 'base64'), Number(ln), Number(r), Number(p)),
    );
    return key.length === want.length && timingSafeEqual(key, want);
  }

  /**
   * The same scrypt work for an unknown address, so a login's timing does not tell whether an
   * account exists (OWASP Authentication Cheat Sheet). Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    this.warm();
    await this.verify(password, await (this.dummy as Promise<string>));
    return false;
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
    if (this.running >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Starts computing the dummy hash (at the first login; later calls do nothing). */
  warm(): void {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
  }
}
