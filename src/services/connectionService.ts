/** Connections (sources of users), their Auth0 options, and which applications may sign users in through them. */
import type { AuthContext } from '../context.js';
import { DEFAULT_OIDC_SCOPE, type Connection, type DatabaseConnectionOptions, type OidcChannel, type OidcConnectionOptions } from '../domain/connections.js';
import { ConflictError, MissingReferenceError } from './errors.js';
import { newId } from './ids.js';
import { ValidationError } from './registryService.js';

/** An OIDC connection's options as the API gives them: the secret may be left out to keep the stored one. */
export interface OidcOptionsInput {
  type?: OidcChannel;
  issuer?: string;
  discovery_url?: string;
  client_id: string;
  client_secret?: string;
  scope?: string;
}

export type ConnectionInput =
  | { strategy: 'auth0'; options?: DatabaseConnectionOptions }
  | { strategy: 'oidc'; options: OidcOptionsInput };

export interface NewConnectionInput {
  name: string;
  displayName?: string | null;
  enabledClients: string[];
  settings: ConnectionInput;
}

/** What an OIDC connection needs to reach its provider; the secret only for the back channel. */
function oidcOptions(input: OidcOptionsInput, storedSecret: string | null): OidcConnectionOptions {
  const type = input.type ?? 'back_channel';
  const clientSecret = input.client_secret ?? storedSecret;
  if (!input.issuer && !input.discovery_url) throw new ValidationError(["Payload validation error: 'options.discovery_url or options.issuer is required' on property options."]);
  if (type === 'back_channel' && !clientSecret) throw new ValidationError(["Payload validation error: 'options.client_secret is required for type back_channel' on property options.client_secret."]);
  return {
    type,
    issuer: input.issuer ?? null,
    discovery_url: input.discovery_url ?? null,
    client_id: input.client_id,
    client_secret: clientSecret,
    scope: input.scope ?? DEFAULT_OIDC_SCOPE,
  };
}

export class ConnectionService {
  constructor(private readonly ctx: AuthContext) {}

  private async checkClients(clientIds: string[]): Promise<void> {
    for (const clientId of clientIds) {
      if (!(await this.ctx.repos.clients.findById(clientId))) throw new MissingReferenceError('client', `The client "${clientId}" does not exist.`);
    }
  }

  async create(input: NewConnectionInput): Promise<Connection> {
    const { name, settings } = input;
    if (await this.ctx.repos.connections.findByName(name)) throw new ConflictError(`A connection named "${name}" already exists.`);
    await this.checkClients(input.enabledClients);
    const base = { id: newId('con'), name, displayName: input.displayName ?? null, createdAt: Date.now() };
    const connection: Connection =
      settings.strategy === 'oidc'
        ? { ...base, strategy: 'oidc', options: oidcOptions(settings.options, null) }
        : { ...base, strategy: 'auth0', options: settings.options ?? {} };
    await this.ctx.repos.connections.insert(connection, [...new Set(input.enabledClients)]);
    return connection;
  }

  /**
   * Auth0's PATCH replaces `options` whole; an OIDC connection's client_secret, which is never
   * returned, is kept when the new options leave it out. `settings` was read for the connection's strategy.
   */
  async update(connection: Connection, changes: { displayName?: string | null; settings?: ConnectionInput }): Promise<Connection> {
    const displayName = changes.displayName === undefined ? connection.displayName : changes.displayName;
    const { settings } = changes;
    let updated: Connection = { ...connection, displayName };
    if (connection.strategy === 'oidc' && settings?.strategy === 'oidc') {
      updated = { ...connection, displayName, options: oidcOptions(settings.options, connection.options.client_secret) };
    } else if (connection.strategy === 'auth0' && settings?.strategy === 'auth0') {
      updated = { ...connection, displayName, options: settings.options ?? {} };
    }
    await this.ctx.repos.connections.update(updated);
    return updated;
  }

  async replaceEnabledClients(connectionId: string, clientIds: string[]): Promise<void> {
    await this.checkClients(clientIds);
    await this.ctx.repos.connections.replaceEnabledClients(connectionId, [...new Set(clientIds)]);
  }

  async setClientStatus(connectionId: string, changes: { clientId: string; enabled: boolean }[]): Promise<void> {
    await this.checkClients(changes.map((c) => c.clientId));
    await this.ctx.repos.connections.setClientStatus(connectionId, changes);
  }
}
