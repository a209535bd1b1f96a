/**
 * The login policy: must the user sign in (again) before this request goes on? Policy as data, like
 * the consent policy: each row is a named check with its reason and its error under prompt=none.
 */
import type { OAuthErrorCode } from './errors.js';

export interface LoginContext {
  /** Who the session (or the host's authenticate hook) says is signed in. */
  user: { sub: string; authTime: number } | null;
  /** False when the account behind the session is blocked or gone. */
  userActive: boolean;
  prompt: ReadonlySet<string>;
  maxAge: number | null;
  /** The sign-in happened after this request began (it answers prompt=login and max_age). */
  signedInDuringRequest: boolean;
  /** Seconds since the epoch. */
  now: number;
}

export interface LoginCheck {
  name: string;
  applies: (ctx: LoginContext) => boolean;
  reason: string;
  promptNoneError: OAuthErrorCode;
}

export const LOGIN_CHECKS: readonly LoginCheck[] = [
  {
    name: 'no_session',
    applies: (ctx) => ctx.user === null,
    reason: 'Nobody is signed in.',
    promptNoneError: 'login_required',
  },
  {
    name: 'user_inactive',
    applies: (ctx) => ctx.user !== null && !ctx.userActive,
    reason: 'The account behind the session is blocked or was deleted.',
    promptNoneError: 'login_required',
  },
  {
    name: 'prompt_login',
    applies: (ctx) => ctx.prompt.has('login') && !ctx.signedInDuringRequest,
    reason: 'The application asked for a fresh sign-in (prompt=login).',
    promptNoneError: 'login_required',
  },
  {
    name: 'max_age',
    // max_age=0 always asks (as prompt=login): auth_time has whole seconds, so "older than 0 s" would
    // otherwise depend on whether the last sign-in happened in the same second.
    applies: (ctx) =>
      ctx.user !== null && ctx.maxAge !== null && !ctx.signedInDuringRequest && (ctx.maxAge === 0 || ctx.now - ctx.user.authTime > ctx.maxAge),
    reason: 'The last sign-in is older than the application allows (max_age).',
    promptNoneError: 'login_required',
  },
];

export type LoginDecision = { kind: 'signed_in' } | { kind: 'sign_in'; reasons: LoginCheck[]; promptNoneError: OAuthErrorCode };

export function decideLogin(ctx: LoginContext): LoginDecision {
  const reasons = LOGIN_CHECKS.filter((check) => check.applies(ctx));
  const first = reasons[0];
  return first ? { kind: 'sign_in', reasons, promptNoneError: first.promptNoneError } : { kind: 'signed_in' };
}
