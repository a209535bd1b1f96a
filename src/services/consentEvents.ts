/**
 * The consent audit events, our extension of Auth0's event types (it has none for consent): an answer
 * in the consent dialog (consent_given, consent_declined) and a grant taken away (grant_revoked), by
 * its user on the account page or through the Management API. Each names the user, the application,
 * the API (audience) and the scopes, so that who let which application do what, and until when, can be
 * read from the log alone.
 */
import type { AuthContext } from '../context.js';
import type { SessionUser } from '../domain/claims.js';
import type { Client } from '../domain/clients.js';
import type { RequestInfo } from '../domain/logEvents.js';
import type { UserGrant } from '../domain/userGrants.js';
import { findUserBySubject } from './userService.js';

/** Who took a grant away: its own user (account page), or a Management API caller. */
export type Revoker = { via: 'account' } | { via: 'management_api'; clientId: string; userId: string | null };

/** What the dialog asked and what the user chose; `grantId` is null when nothing was recorded (Decline). */
export interface ConsentAnswer {
  user: SessionUser;
  client: Pick<Client, 'clientId' | 'name'>;
  audience: string;
  asked: string[];
  accepted: string[];
  grantId: string | null;
}

const emailOf = (user: SessionUser): string | null => (typeof user.claims.email === 'string' ? user.claims.email : null);

/** consent_given for Accept (scope: what was ticked), consent_declined for Decline (scope: what was asked). */
export async function recordConsentAnswer(ctx: AuthContext, type: 'consent_given' | 'consent_declined', answer: ConsentAnswer, request?: RequestInfo): Promise<void> {
  const refused = answer.asked.filter((scope) => !answer.accepted.includes(scope));
  const scopes = type === 'consent_given' ? answer.accepted : answer.asked;
  await ctx.audit.record(
    type,
    {
      clientId: answer.client.clientId,
      clientName: answer.client.name,
      userId: answer.user.sub,
      userName: emailOf(answer.user),
      audience: answer.audience,
      scope: scopes.join(' ') || null,
      details: { grantId: answer.grantId, asked: answer.asked, accepted: answer.accepted, refused },
    },
    request,
  );
}

/**
 * grant_revoked, after the grant is gone. The user and the application are looked up for their names
 * (either may be gone too: then only the ids are logged); a Management API caller is named in details.
 */
export async function recordGrantRevoked(ctx: AuthContext, grant: UserGrant, by: Revoker, request?: RequestInfo): Promise<void> {
  const [client, user] = await Promise.all([ctx.repos.clients.findById(grant.clientId), findUserBySubject(ctx, grant.userId)]);
  await ctx.audit.record(
    'grant_revoked',
    {
      clientId: grant.clientId,
      clientName: client?.name ?? null,
      userId: grant.userId,
      userName: user?.email ?? null,
      audience: grant.audience,
      scope: grant.scopes.join(' ') || null,
      details: {
        grantId: grant.id,
        revokedBy: by,
      },
    },
    request,
  );
}
