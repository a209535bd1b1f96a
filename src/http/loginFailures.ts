/** The status of a refused sign-in on the login pages: 429 with Retry-After when a limit refused it. */
import type { Response } from 'express';
import type { LoginResult } from '../services/loginService.js';

export function loginFailureStatus(res: Response, failure: Extract<LoginResult, { ok: false }>): number {
  if (failure.reason !== 'too_many_attempts') return 401;
  res.set('Retry-After', String(failure.retryAfterSeconds ?? 60));
  return 429;
}
