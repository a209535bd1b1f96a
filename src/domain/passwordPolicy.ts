/**
 * The one password policy of the database connection: sign-up, reset, and passwords set through the
 * Management API all check here. NIST SP 800-63B's rules: a minimum length, a generous maximum, and
 * no password found in a list of breached or common ones; no composition rules.
 */
import { COMMON_PASSWORDS } from './commonPasswords.js';

export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const MAX_PASSWORD_LENGTH = 1024;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

/** In English for the APIs; the pages show the text key of the same name (`password.tooShort`, …). */
export const PASSWORD_PROBLEM_MESSAGES: Readonly<Record<PasswordProblem, string>> = {
  too_short: `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
  too_long: `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`,
  too_common: 'This password is too common: it appears in lists of leaked passwords. Choose another.',
};

let common: ReadonlySet<string> | null = null;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(COMMON_PASSWORDS.split(/\s+/).filter(Boolean));
  return common;
}

/** null when the password is acceptable. Length counts characters as people see them (code points). */
export function checkPassword(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  // Case-insensitive: "Password1" is as guessable as "password1".
  if (commonPasswords().has(password.toLowerCase())) return 'too_common';
  return null;
}
