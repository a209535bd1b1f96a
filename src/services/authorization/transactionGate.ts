/** Finding an authorization transaction for this browser session, and the API it names. */
import type { AuthContext } from '../../context.js';
import type { AuthorizationRequest } from '../../domain/authorizationRequest.js';
import { OAuthError } from '../../domain/errors.js';
import type { ResourceServer } from '../../domain/resourceServers.js';
import type { AuthorizationTransaction } from '../../store/transactionsRepository.js';
import { expiredRequest } from './outcomes.js';

export class TransactionGate {
  constructor(private readonly ctx: AuthContext) {}

  /** A transaction that exists, is this session's, not issued yet and unexpired; otherwise an error page. */
  async load(transactionId: unknown, sessionId: string): Promise<AuthorizationTransaction> {
    const tx = typeof transactionId === 'string' && transactionId.length <= 64 ? await this.ctx.repos.transactions.findById(transactionId) : null;
    if (!tx || tx.sessionId !== sessionId || tx.state === 'issued' || tx.expiresAt <= Date.now()) throw expiredRequest();
    return tx;
  }

  async resolveApi(request: AuthorizationRequest): Promise<ResourceServer | null> {
    if (request.audience === null) return null;
    const api = await this.ctx.repos.resourceServers.findByIdentifier(request.audience);
    if (!api || api.isSystem) {
      throw new OAuthError(request.audienceFromResource ? 'invalid_target' : 'invalid_request', `Service not found: ${request.audience}`);
    }
    return api;
  }
}
