/** A refused sign-in on the login pages: its status (429 with Retry-After when a limit refused it) and its message. */
import type { Response } from 'express';
import type { LoginFailure, LoginResult } from '../services/loginService.js';
import type { PageText } from './localeMessages.js';
import type { TextKey } from './texts.js';

type Failure = Extract<LoginResult, { ok: false }>;

export function loginFailureStatus(res: Response, failure: Failure): number {
  if (failure.reason !== 'too_many_attempts') return 401;
  res.set('Retry-After', String(failure.retryAfterSeconds ?? 60));
  return 429;
}

const MESSAGES: Readonly<Record<LoginFailure, TextKey>> = {
  missing_input: 'login.missingInput',
  wrong_credentials: 'login.wrongCredentials',
  connection_not_enabled: 'login.connectionNotEnabled',
  blocked: 'login.blocked',
  too_many_attempts: 'login.tooManyAttempts',
};

/** The page's message for a failure, by its reason: the service's English sentence is for logs and the password grant. */
export function loginFailureText(failure: Failure): PageText {
  const key = (MESSAGES as Partial<Record<string, TextKey>>)[failure.reason];
  // A reason added later without a text here still shows its (English) message rather than nothing.
  if (!key) return failure.message;
  return { key, vars: { wait: { seconds: failure.retryAfterSeconds ?? 60 } } };
}
