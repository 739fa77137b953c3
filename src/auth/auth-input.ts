import { canonicalEmail } from './auth-email.ts';
import type { FieldError } from './auth-errors.ts';
import { validationFailed } from './auth-errors.ts';
import { checkName } from './auth-name.ts';
import { checkPassword, type PasswordPolicy } from './auth-password-policy.ts';
import { isWellFormedCode } from './auth-secrets.ts';

/**
 * Field checks that collect every problem of a request (validation_failed lists them all), run
 * before any limit is taken, so a typo costs no budget.
 */
export class FieldChecks {
  readonly errors: FieldError[] = [];

  email(field: string, value: string): { address: string; key: string } {
    const checked = canonicalEmail(value);
    if (checked.ok) return { address: checked.address, key: checked.key };
    this.errors.push({ field, code: checked.code });
    return { address: '', key: '' };
  }

  /** A new password: length and common-password policy, NFKC-normalised. */
  newPassword(field: string, value: string, policy: PasswordPolicy): string {
    const checked = checkPassword(value, policy);
    if (checked.ok) return checked.password;
    this.errors.push({ field, code: checked.code });
    return '';
  }

  /** A password to check: only bounded (scrypt of megabytes of input is a denial of service). */
  existingPassword(field: string, value: string, policy: PasswordPolicy): string {
    if ([...value].length > policy.maxLength) this.errors.push({ field, code: 'password_too_long' });
    return value;
  }

  name(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const checked = checkName(value);
    if (checked.ok) return checked.name;
    this.errors.push({ field, code: checked.code });
    return null;
  }

  /** Not of the configured length and alphabet: code_malformed, and no attempt is consumed. */
  code(field: string, value: string, length: number): string {
    const trimmed = value.trim();
    if (!isWellFormedCode(trimmed, length)) this.errors.push({ field, code: 'code_malformed' });
    return trimmed;
  }

  /** Throws validation_failed when anything was wrong. */
  done(): void {
    if (this.errors.length > 0) throw validationFailed(this.errors);
  }
}
