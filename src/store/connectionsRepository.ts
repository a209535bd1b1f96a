import type { Knex } from 'knex';
import { DEFAULT_OIDC_SCOPE, type Connection, type DatabaseConnectionOptions, type OidcConnectionOptions } from '../domain/connections.js';
import { jsonObject, num, strOrNull, type Row, pagedRows, type PageRequest } from './rows.js';
import { SecretCipher, SecretUnreadableError } from './secretCipher.js';

export type { Connection } from '../domain/connections.js';

/** A connection to store: the database connection may leave its options and display name out. */
export type NewConnection = Connection | { id: string; name: string; strategy: 'auth0'; createdAt: number; options?: DatabaseConnectionOptions; displayName?: string | null };

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function databaseOptions(stored: Record<string, unknown>): DatabaseConnectionOptions {
  return typeof stored.disable_signup === 'boolean' ? { disable_signup: stored.disable_signup } : {};
}

export class ConnectionsRepository {
  constructor(
    private readonly db: Knex,
    /** An OIDC connection's client_secret is sealed like a client's, with the connection id as associated data. */
    private readonly cipher: SecretCipher = new SecretCipher(null),
  ) {}

  /** A secret that no longer opens (the key changed) reads as none: the sign-in fails, the listing does not. */
  private openSecret(stored: string | null, connectionId: string): string | null {
    try {
      return this.cipher.open(stored, connectionId);
    } catch (err) {
      if (err instanceof SecretUnreadableError) return null;
      throw err;
    }
  }

  private toConnection(row: Row): Connection {
    const base = { id: String(row.id), name: String(row.name), displayName: strOrNull(row.display_name), createdAt: num(row.created_at) };
    const stored = jsonObject(row.options);
    if (row.strategy !== 'oidc') return { ...base, strategy: 'auth0', options: databaseOptions(stored) };
    const options: OidcConnectionOptions = {
      type: stored.type === 'front_channel' ? 'front_channel' : 'back_channel',
      issuer: text(stored.issuer),
      discovery_url: text(stored.discovery_url),
      client_id: text(stored.client_id) ?? '',
      client_secret: this.openSecret(text(stored.client_secret), base.id),
      scope: text(stored.scope) ?? DEFAULT_OIDC_SCOPE,
    };
    return { ...base, strategy: 'oidc', options };
  }

  private toRow(connection: NewConnection): Row {
    const options: Record<string, unknown> = { ...(connection.options ?? {}) };
    if (connection.strategy === 'oidc') options.client_secret = this.cipher.seal(connection.options.client_secret, connection.id);
    return {
      id: connection.id,
      name: connection.name,
      strategy: connection.strategy,
      created_at: connection.createdAt,
      display_name: connection.displayName ?? null,
      options: JSON.stringify(options),
    };
  }

  async findByName(name: string): Promise<Connection | null> {
    const row = (await this.db('connections').where({ name }).first()) as Row | undefined;
    return row ? this.toConnection(row) : null;
  }

  async list(): Promise<Connection[]> {
    const rows = (await this.db('connections').orderBy('created_at')) as Row[];
    return rows.map((row) => this.toConnection(row));
  }

  /** Inserts the connection unless one with that name exists (several instances may start at once). */
  async ensure(connection: NewConnection): Promise<Connection> {
    await this.db('connections').insert(this.toRow(connection)).onConflict('name').ignore();
    const stored = await this.findByName(connection.name);
    if (!stored) throw new Error(`Connection ${connection.name} could not be stored`);
    return stored;
  }

  async findById(id: string): Promise<Connection | null> {
    const row = (await this.db('connections').where({ id }).first()) as Row | undefined;
    return row ? this.toConnection(row) : null;
  }

  async search(filter: { name?: string; strategy?: string }, page: PageRequest): Promise<{ items: Connection[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'connections', { name: filter.name, strategy: filter.strategy }, page);
    return { items: rows.map((row) => this.toConnection(row)), total };
  }

  async insert(connection: NewConnection, enabledClients: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('connections').insert(this.toRow(connection));
      if (enabledClients.length > 0) {
        await trx('connection_clients').insert(enabledClients.map((clientId) => ({ connection_id: connection.id, client_id: clientId })));
      }
    });
  }

  /** Options and display name; the name and strategy never change. */
  async update(connection: Connection): Promise<void> {
    const { options, display_name } = this.toRow(connection);
    await this.db('connections').where({ id: connection.id }).update({ options, display_name });
  }

  /** Deletes the connection and, by cascade in the same statement, its users and client links. */
  async delete(id: string): Promise<boolean> {
    return (await this.db('connections').where({ id }).delete()) > 0;
  }

  async enabledClients(connectionId: string): Promise<string[]> {
    const rows = (await this.db('connection_clients').where({ connection_id: connectionId }).orderBy('client_id').select('client_id')) as Row[];
    return rows.map((r) => String(r.client_id));
  }

  /** The connections of this strategy the client may sign users in with, oldest first. */
  async enabledForClient(clientId: string, strategy: Connection['strategy']): Promise<Connection[]> {
    const rows = (await this.db('connections')
      .join('connection_clients', 'connection_clients.connection_id', 'connections.id')
      .where({ 'connection_clients.client_id': clientId, 'connections.strategy': strategy })
      .orderBy('connections.created_at')
      .orderBy('connections.name')
      .select('connections.*')) as Row[];
    return rows.map((row) => this.toConnection(row));
  }

  /** Turns clients on or off for the connection, all in one transaction. */
  async setClientStatus(connectionId: string, changes: { clientId: string; enabled: boolean }[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      for (const change of changes) {
        if (change.enabled) {
          await trx('connection_clients').insert({ connection_id: connectionId, client_id: change.clientId }).onConflict(['connection_id', 'client_id']).ignore();
        } else {
          await trx('connection_clients').where({ connection_id: connectionId, client_id: change.clientId }).delete();
        }
      }
    });
  }

  async replaceEnabledClients(connectionId: string, clientIds: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('connection_clients').where({ connection_id: connectionId }).delete();
      if (clientIds.length > 0) await trx('connection_clients').insert(clientIds.map((clientId) => ({ connection_id: connectionId, client_id: clientId })));
    });
  }

  async isClientEnabled(connectionId: string, clientId: string): Promise<boolean> {
    const row = await this.db('connection_clients').where({ connection_id: connectionId, client_id: clientId }).first();
    return row !== undefined;
  }

  async enableClientOnAll(clientId: string, trx: Knex = this.db): Promise<void> {
    const connections = (await trx('connections').select('id')) as Row[];
    if (connections.length === 0) return;
    await trx('connection_clients')
      .insert(connections.map((c) => ({ connection_id: c.id, client_id: clientId })))
      .onConflict(['connection_id', 'client_id'])
      .ignore();
  }
}
