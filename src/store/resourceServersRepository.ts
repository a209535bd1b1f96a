import type { Knex } from 'knex';
import type { ApiScope, ClientAccessPolicy, ResourceServer, UserAccessPolicy } from '../domain/resourceServers.js';
import type { RegistryCache } from './registryCache.js';
import { bool, num, type Row, pagedRows, type PageRequest } from './rows.js';

function toResourceServer(row: Row, scopes: ApiScope[]): ResourceServer {
  return {
    id: String(row.id),
    identifier: String(row.identifier),
    name: String(row.name),
    signingAlg: 'RS256',
    tokenLifetime: num(row.token_lifetime),
    allowOfflineAccess: bool(row.allow_offline_access),
    skipConsentForVerifiableFirstPartyClients: bool(row.skip_consent_for_verifiable_first_party_clients),
    isSystem: bool(row.is_system),
    accessPolicy: { user: (row.user_access_policy ?? 'allow_all') as UserAccessPolicy, client: (row.client_access_policy ?? 'require_client_grant') as ClientAccessPolicy },
    scopes,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export class ResourceServersRepository {
  constructor(
    private readonly db: Knex,
    private readonly cache: RegistryCache,
  ) {}

  /** From the registry cache (the returned API is frozen): this runs on every authorization and token request. */
  async findByIdentifier(identifier: string): Promise<ResourceServer | null> {
    return this.cache.get(`api:${identifier}`, () => this.loadByIdentifier(identifier));
  }

  /** One query: the API joined with its scopes. */
  private async loadByIdentifier(identifier: string): Promise<ResourceServer | null> {
    const rows = (await this.db('resource_servers as rs')
      .leftJoin('resource_server_scopes as s', 's.resource_server_id', 'rs.id')
      .where('rs.identifier', identifier)
      .orderBy('s.position')
      .select('rs.*', 's.value as scope_value', 's.description as scope_description')) as Row[];
    const first = rows[0];
    if (!first) return null;
    const scopes = rows.filter((r) => r.scope_value !== null && r.scope_value !== undefined).map((r) => ({ value: String(r.scope_value), description: String(r.scope_description ?? '') }));
    return toResourceServer(first, scopes);
  }

  async findById(id: string): Promise<ResourceServer | null> {
    const row = (await this.db('resource_servers').where({ id }).first()) as Row | undefined;
    return row ? this.withScopes(row) : null;
  }

  async insert(rs: ResourceServer): Promise<void> {
    await this.store(rs, false);
  }

  /** Inserts unless an API with this identifier exists (another instance's seed): true when this call stored it. */
  async insertIfAbsent(rs: ResourceServer): Promise<boolean> {
    return this.store(rs, true);
  }

  private async store(rs: ResourceServer, ifAbsent: boolean): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      this.cache.written(trx);
      const insert = trx('resource_servers').insert({
        id: rs.id,
        identifier: rs.identifier,
        name: rs.name,
        signing_alg: rs.signingAlg,
        token_lifetime: rs.tokenLifetime,
        allow_offline_access: rs.allowOfflineAccess,
        skip_consent_for_verifiable_first_party_clients: rs.skipConsentForVerifiableFirstPartyClients,
        is_system: rs.isSystem,
        user_access_policy: rs.accessPolicy.user,
        client_access_policy: rs.accessPolicy.client,
        created_at: rs.createdAt,
        updated_at: rs.updatedAt,
      });
      if (ifAbsent) {
        const inserted = (await insert.onConflict('identifier').ignore().returning('id')) as unknown[];
        if (inserted.length === 0) return false;
      } else {
        await insert;
      }
      if (rs.scopes.length > 0) {
        await trx('resource_server_scopes').insert(
          rs.scopes.map((s, position) => ({ resource_server_id: rs.id, value: s.value, description: s.description, position })),
        );
      }
      return true;
    });
  }

  async list(page: PageRequest): Promise<{ items: ResourceServer[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'resource_servers', {}, page);
    return { items: await Promise.all(rows.map((row) => this.withScopes(row))), total };
  }

  /** Replaces the settings and the scope list together. */
  async update(rs: ResourceServer): Promise<void> {
    await this.db.transaction(async (trx) => {
      this.cache.written(trx);
      await trx('resource_servers').where({ id: rs.id }).update({
        name: rs.name,
        token_lifetime: rs.tokenLifetime,
        allow_offline_access: rs.allowOfflineAccess,
        skip_consent_for_verifiable_first_party_clients: rs.skipConsentForVerifiableFirstPartyClients,
        user_access_policy: rs.accessPolicy.user,
        client_access_policy: rs.accessPolicy.client,
        updated_at: rs.updatedAt,
      });
      await trx('resource_server_scopes').where({ resource_server_id: rs.id }).delete();
      if (rs.scopes.length > 0) {
        await trx('resource_server_scopes').insert(
          rs.scopes.map((s, position) => ({ resource_server_id: rs.id, value: s.value, description: s.description, position })),
        );
      }
    });
  }

  /** Deletes the API with the user grants and client grants for its audience, all or nothing. */
  async delete(rs: ResourceServer): Promise<void> {
    await this.db.transaction(async (trx) => {
      this.cache.written(trx);
      await trx('user_grants').where({ audience: rs.identifier }).delete();
      await trx('client_grants').where({ audience: rs.identifier }).delete();
      await trx('resource_servers').where({ id: rs.id }).delete();
    });
  }

  private async withScopes(row: Row): Promise<ResourceServer> {
    const scopes = (await this.db('resource_server_scopes')
      .where({ resource_server_id: row.id })
      .orderBy('position')
      .select('value', 'description')) as Row[];
    return toResourceServer(row, scopes.map((s) => ({ value: String(s.value), description: String(s.description) })));
  }
}
