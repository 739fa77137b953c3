import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CodePurpose } from './auth-types.ts';

/** 32 random bytes → 43 base64url characters (specs/auth.md: reset and session tokens). */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A code of `length` decimal digits from a CSPRNG, zero-padded ("004211" is a valid code). */
export function newCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** The configured length and alphabet; anything else is `code_malformed` and costs no attempt. */
export function isWellFormedCode(code: string, length: number): boolean {
  return code.length === length && /^[0-9]+$/.test(code);
}

/**
 * HMAC-SHA-256(key, purpose ‖ 0 ‖ emailKey ‖ 0 ‖ code): a stolen database does not reveal codes
 * (a 6-digit code is trivially brute-forced from a plain hash), and a code for one purpose or
 * address never matches another.
 */
export function codeMac(key: string, purpose: CodePurpose, emailKey: string, code: string): Buffer {
  return createHmac('sha256', key).update(`${purpose}\0${emailKey}\0${code}`).digest();
}

/** Constant-time comparison; a phantom (null) compares against zeros so it costs the same. */
export function macMatches(stored: Buffer | null, given: Buffer): boolean {
  const expected = stored ?? Buffer.alloc(given.length);
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return stored !== null && same;
}

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Malformed tokens are treated as unknown (specs/auth.md: invalid_token). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Only SHA-256(token) is stored: 256 random bits need no salt or slow hash. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** A random key for code HMACs when none is configured. */
export function newCodeKey(): string {
  return randomBytes(32).toString('hex');
}

/** Short random public ids for users and sessions (16 bytes, base64url). */
export function newPublicId(): string {
  return randomBytes(16).toString('base64url');
}
