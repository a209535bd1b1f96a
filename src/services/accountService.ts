/** What a signed-in person sees of their own grants, and revoking them ("Authorized applications"). */
import type { AuthContext } from '../context.js';
import { describeScope, YOUR_ACCOUNT, type ScopeText } from '../domain/scopeCatalog.js';
import { userinfoAudience } from '../domain/claims.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { recordGrantRevoked } from './consentEvents.js';
import { USERINFO_TOKEN_LIFETIME } from './userTokens.js';

export interface AuthorizedApp {
  grantId: string;
  clientName: string;
  logoUri: string | null;
  isFirstParty: boolean;
  apiName: ScopeText;
  scopes: { value: string; description: ScopeText }[];
  grantedAt: Date;
  /** How long an access token the app already holds may still work elsewhere after a revocation. */
  accessTokenMinutes: number;
}

export class AccountService {
  constructor(private readonly ctx: AuthContext) {}

  async authorizedApps(userId: string): Promise<AuthorizedApp[]> {
    const grants = await this.ctx.repos.grants.listForUser(userId);
    const userinfo = userinfoAudience(this.ctx.options.issuer);
    const apps: AuthorizedApp[] = [];
    for (const grant of grants) {
      const client = await this.ctx.repos.clients.findById(grant.clientId);
      if (!client) continue;
      const api = grant.audience === userinfo ? null : await this.ctx.repos.resourceServers.findByIdentifier(grant.audience);
      apps.push({
        grantId: grant.id,
        clientName: client.name,
        logoUri: client.logoUri,
        isFirstParty: client.isFirstParty,
        apiName: api ? { text: api.name } : YOUR_ACCOUNT,
        scopes: grant.scopes
          .filter((s) => s !== 'openid')
          .map((value) => ({ value, description: describeScope(value, api) })),
        grantedAt: new Date(grant.createdAt),
        accessTokenMinutes: Math.ceil((api?.tokenLifetime ?? USERINFO_TOKEN_LIFETIME) / 60),
      });
    }
    return apps;
  }

  /**
   * Deletes the user's own grant; its refresh tokens go with it (foreign key), and the next
   * authorization asks again. Another user's grant id changes nothing.
   */
  async revoke(userId: string, grantId: string, request?: RequestInfo): Promise<boolean> {
    const grant = await this.ctx.repos.grants.findById(grantId);
    if (!grant || grant.userId !== userId) return false;
    // Two tabs revoking at once: only the one that deleted it logs the revocation.
    if (!(await this.ctx.repos.grants.delete(grantId))) return false;
    await recordGrantRevoked(this.ctx, grant, { via: 'account' }, request);
    return true;
  }
}
