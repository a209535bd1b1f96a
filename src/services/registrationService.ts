/** Dynamic Client Registration (RFC 7591) and its management protocol (RFC 7592). */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import { readRegistrationMetadata, type RegisteredMetadata } from '../domain/registrationMetadata.js';
import { ClientService } from './clientService.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { randomToken, sha256Hex } from './ids.js';
import type { RegistryService } from './registryService.js';

/** What registered metadata sets on the application; is_first_party is never among it. */
function clientFields(metadata: RegisteredMetadata) {
  return {
    name: metadata.name,
    appType: metadata.appType,
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    callbacks: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    logoUri: metadata.logoUri,
  };
}

export interface Registered {
  client: Client;
  metadata: RegisteredMetadata;
  registrationAccessToken: string;
}

export class RegistrationService {
  private readonly clients: ClientService;

  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {
    this.clients = new ClientService(ctx);
  }

  /**
   * Registers a client if the address has registered fewer than `perMinute` in the last minute. The
   * registration is counted before it is made (so a burst cannot pass together) and given back when
   * the request is refused, so invalid requests do not use up the budget.
   */
  async registerWithinLimit(body: unknown, request: RequestInfo, perMinute: number): Promise<Registered | { retryAfterSeconds: number }> {
    const reservation = await this.ctx.limiter.reserve([
      { key: { rule: 'registration_ip', identifier: '', ip: request.ip ?? '', connection: '' }, rule: { limit: perMinute, windowSeconds: 60 } },
    ]);
    if (reservation.blocked) return { retryAfterSeconds: reservation.retryAfterSeconds };
    try {
      return await this.register(body);
    } catch (err) {
      await reservation.refund();
      throw err;
    }
  }

  /** Registers a client, always third-party; returns it and its registration access token. */
  async register(body: unknown): Promise<Registered> {
    const metadata = readRegistrationMetadata(body);
    const client = await this.registry.createClient({ ...clientFields(metadata), isDynamic: true });
    const registrationAccessToken = randomToken(32);
    await this.ctx.repos.clientRegistrations.insert(client.clientId, sha256Hex(registrationAccessToken));
    return { client, metadata, registrationAccessToken };
  }

  /** The client whose registration access token this is, or null. */
  async authorize(clientId: string, token: string | null): Promise<Client | null> {
    if (!token) return null;
    const hash = await this.ctx.repos.clientRegistrations.tokenHash(clientId);
    if (!hash || !timingSafeEqualStrings(hash, sha256Hex(token))) return null;
    return this.ctx.repos.clients.findById(clientId);
  }

  /** RFC 7592 §2.2: the metadata sent replaces the registered metadata. */
  async update(client: Client, body: unknown): Promise<{ client: Client; metadata: RegisteredMetadata }> {
    const metadata = readRegistrationMetadata(body);
    const updated = await this.clients.update(client.clientId, clientFields(metadata));
    if (!updated) throw new Error('client vanished during update');
    return { client: updated, metadata };
  }

  async delete(client: Client): Promise<void> {
    await this.clients.delete(client.clientId);
  }
}
