import type { Knex } from 'knex';
import { RESOURCE_SERVER_FIELDS, type ApiScope, type ClientAccessPolicy, type ResourceServer, type UserAccessPolicy } from '../domain/resourceServers.js';
import { readFields, writeFields } from './columnMapping.js';
import type { RegistryCache } from './registryCache.js';
import { type Row, pagedRows, type PageRequest } from './rows.js';

function toResourceServer(row: Row, scopes: ApiScope[]): ResourceServer {
  return {
    ...readFields<Omit<ResourceServer, 'scopes' | 'accessPolicy'>>(RESOURCE_SERVER_FIELDS, row),
    accessPolicy: { user: row.user_access_policy as UserAccessPolicy, client: row.client_access_policy as ClientAccessPolicy },
    scopes,
  };
}

/** A scope as stored; its translated descriptions are JSON, absent when it has none (as Auth0 shows a scope). */
function toScope(value: unknown, description: unknown, descriptions: unknown): ApiScope {
  const scope: ApiScope = { value: String(value), description: String(description ?? '') };
  return typeof descriptions === 'string' ? { ...scope, descriptions: JSON.parse(descriptions) as Record<string, string> } : scope;
}

function scopeRow(resourceServerId: string, s: ApiScope, position: number): Row {
  return { resource_server_id: resourceServerId, value: s.value, description: s.description, descriptions: s.descriptions ? JSON.stringify(s.descriptions) : null, position };
}

/** The row of an API (its scopes are rows of their own). */
function toRow(rs: ResourceServer): Row {
  return { ...writeFields(RESOURCE_SERVER_FIELDS, rs), user_access_policy: rs.accessPolicy.user, client_access_policy: rs.accessPolicy.client };
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
      .select('rs.*', 's.value as scope_value', 's.description as scope_description', 's.descriptions as scope_descriptions')) as Row[];
    const first = rows[0];
    if (!first) return null;
    const scopes = rows.filter((r) => r.scope_value !== null && r.scope_value !== undefined).map((r) => toScope(r.scope_value, r.scope_description, r.scope_descriptions));
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
      const insert = trx('resource_servers').insert(toRow(rs));
      if (ifAbsent) {
        const inserted = (await insert.onConflict('identifier').ignore().returning('id')) as unknown[];
        if (inserted.length === 0) return false;
      } else {
        await insert;
      }
      if (rs.scopes.length > 0) {
        await trx('resource_server_scopes').insert(
          rs.scopes.map((s, position) => scopeRow(rs.id, s, position)),
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
      // The id, identifier and creation time never change; the rest is written as it now is.
      const { id: _id, identifier: _identifier, created_at: _createdAt, ...changed } = toRow(rs);
      await trx('resource_servers').where({ id: rs.id }).update(changed);
      await trx('resource_server_scopes').where({ resource_server_id: rs.id }).delete();
      if (rs.scopes.length > 0) {
        await trx('resource_server_scopes').insert(
          rs.scopes.map((s, position) => scopeRow(rs.id, s, position)),
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
      .select('value', 'description', 'descriptions')) as Row[];
    return toResourceServer(row, scopes.map((s) => toScope(s.value, s.description, s.descriptions)));
  }
}
