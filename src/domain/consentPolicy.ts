/**
 * The consent policy: when must the user see the consent dialog?
 *
 * Policy as data: each row is a named check with the reason it gives and the error it becomes under
 * `prompt=none`. The dialog is shown when any row applies; the rows that applied are the reasons.
 *
 * The rules, from the seeds (Auth0's "User consent and third-party clients"):
 * - a grant that already covers every requested scope skips the dialog, unless `prompt=consent`;
 * - otherwise only a *verifiable first-party* client may skip it, and only for an API that allows
 *   skipping; a redirect to localhost, a loopback address or a custom scheme is never verifiable;
 * - third-party clients can never skip it, and never get a code for a user who has not approved them
 *   at least once, even for a request with no scope (the per-client consent MCP asks servers to keep);
 * - offline_access not granted yet always asks (OIDC Core §11);
 * - a scope the user refused is not asked again (nor ever put in a token) until prompt=consent.
 */
import { isVerifiableRedirectUri } from './redirectUris.js';
import { missingScopes } from './scopes.js';
import type { OAuthErrorCode } from './errors.js';

export interface ConsentContext {
  client: { isFirstParty: boolean };
  redirectUri: string;
  /** The API the token is for; `allowSkipConsent` is its skip_consent_for_verifiable_first_party_clients. */
  api: { allowSkipConsent: boolean };
  requestedScopes: readonly string[];
  /** Scopes of the user's existing grant for this client and API (empty when there is none). */
  grantedScopes: readonly string[];
  /** Scopes the user refused in an earlier dialog for this client and API. */
  rejectedScopes: readonly string[];
  /** The user answered this client's dialog for this API before (a grant exists, maybe with no scope). */
  grantExists: boolean;
  prompt: ReadonlySet<string>;
}

export interface ConsentCheck {
  name: string;
  applies: (ctx: ConsentContext, missing: readonly string[]) => boolean;
  reason: string;
  promptNoneError: OAuthErrorCode;
}

export const CONSENT_CHECKS: readonly ConsentCheck[] = [
  {
    name: 'prompt_consent',
    applies: (ctx) => ctx.prompt.has('consent'),
    reason: 'The application asked for consent explicitly (prompt=consent).',
    promptNoneError: 'consent_required',
  },
  {
    name: 'third_party_not_approved',
    applies: (ctx) => !ctx.client.isFirstParty && !ctx.grantExists,
    reason: 'This third-party application has never been approved by the user.',
    promptNoneError: 'consent_required',
  },
  {
    // OIDC Core §11: offline access needs the user's explicit consent, whoever the client is.
    name: 'offline_access_requested',
    applies: (_ctx, missing) => missing.includes('offline_access'),
    reason: 'The application asks to keep access while you are away (offline_access).',
    promptNoneError: 'consent_required',
  },
  {
    name: 'third_party_client',
    applies: (ctx, missing) => missing.length > 0 && !ctx.client.isFirstParty,
    reason: 'Third-party applications always need the user\u2019s consent for scopes not granted yet.',
    promptNoneError: 'consent_required',
  },
  {
    name: 'non_verifiable_redirect_uri',
    applies: (ctx, missing) => missing.length > 0 && !isVerifiableRedirectUri(ctx.redirectUri),
    reason: 'The application redirects to localhost, a loopback address or a custom scheme, so it cannot be verified as first-party.',
    promptNoneError: 'consent_required',
  },
  {
    name: 'api_does_not_allow_skipping',
    applies: (ctx, missing) => missing.length > 0 && !ctx.api.allowSkipConsent,
    reason: 'The API does not allow first-party applications to skip consent.',
    promptNoneError: 'consent_required',
  },
];

export type ConsentDecision =
  | { kind: 'skip' }
  | {
      kind: 'ask';
      /** The checks that applied, in table order. */
      reasons: ConsentCheck[];
      /** Scopes the dialog asks for: the missing ones, or all requested under prompt=consent. */
      scopesToAsk: string[];
      /** Scopes already granted before, for the dialog to mention. */
      previouslyGranted: string[];
      promptNoneError: OAuthErrorCode;
    };

export function decideConsent(ctx: ConsentContext): ConsentDecision {
  const missing = missingScopes(ctx.requestedScopes, [...ctx.grantedScopes, ...ctx.rejectedScopes]);
  const reasons = CONSENT_CHECKS.filter((check) => check.applies(ctx, missing));
  const first = reasons[0];
  if (!first) return { kind: 'skip' };
  const forced = ctx.prompt.has('consent');
  const granted = new Set(ctx.grantedScopes);
  return {
    kind: 'ask',
    reasons,
    scopesToAsk: forced ? [...ctx.requestedScopes] : missing,
    previouslyGranted: ctx.requestedScopes.filter((s) => granted.has(s)),
    promptNoneError: first.promptNoneError,
  };
}
