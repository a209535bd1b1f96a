import type { Knex } from 'knex';
import {
  CLIENT_GRANT_FIELDS,
  DEFAULT_CLIENT_GRANT_FIELDS,
  type ClientGrant,
  type ClientGrantSubjectType,
  type DefaultClientGrant,
  type NewClientGrant,
} from '../domain/clientGrants.js';
import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import { readFields, writeFields } from './columnMapping.js';
import type { RegistryCache } from './registryCache.js';
import { type Row, pagedRows, type PageRequest } from './rows.js';

export type { ClientGrant, ClientGrantSubjectType, DefaultClientGrant, NewClientGrant } from '../domain/clientGrants.js';

export interface ClientGrantFilter {
  clientId?: string;
  audience?: string;
  subjectType?: ClientGrantSubjectType;
}

const toClientGrant = (row: Row) => readFields<ClientGrant>(CLIENT_GRANT_FIELDS, row);
const toDefaultGrant = (row: Row) => readFields<DefaultClientGrant>(DEFAULT_CLIENT_GRANT_FIELDS, row);
const toRow = (grant: NewClientGrant) => writeFields(CLIENT_GRANT_FIELDS, { ...grant, subjectType: grant.subjectType ?? 'client' });
const where = (filter: ClientGrantFilter) => ({
  [CLIENT_GRANT_FIELDS.clientId.column]: filter.clientId,
  [CLIENT_GRANT_FIELDS.audience.column]: filter.audience,
  [CLIENT_GRANT_FIELDS.subjectType.column]: filter.subjectType,
});

export class ClientGrantsRepository {
  constructor(
    private readonly db: Knex,
    private readonly cache: RegistryCache,
  ) {}

  /** From the registry cache (frozen): client_credentials reads it on every request. */
  async find(clientId: string, audience: string, subjectType: ClientGrantSubjectType = 'client'): Promise<ClientGrant | null> {
    return this.cache.getOrAbsent(`client-grant:${subjectType} ${clientId} ${audience}`, async () => {
      const row = (await this.db('client_grants').where({ client_id: clientId, audience, subject_type: subjectType }).first()) as Row | undefined;
      return row ? toClientGrant(row) : null;
    });
  }

  /** The default permissions third-party clients get for this API, from the registry cache. */
  async findDefault(audience: string, subjectType: ClientGrantSubjectType = 'user'): Promise<DefaultClientGrant | null> {
    return this.cache.getOrAbsent(`default-client-grant:${subjectType} ${audience}`, async () => {
      const row = (await this.db('default_client_grants').where({ default_for: 'third_party_clients', audience, subject_type: subjectType }).first()) as Row | undefined;
      return row ? toDefaultGrant(row) : null;
    });
  }

  async listDefaults(): Promise<DefaultClientGrant[]> {
    return ((await this.db('default_client_grants').orderBy('created_at')) as Row[]).map(toDefaultGrant);
  }

  async insertDefault(grant: DefaultClientGrant): Promise<void> {
    await this.db('default_client_grants').insert(writeFields(DEFAULT_CLIENT_GRANT_FIELDS, grant));
    this.cache.written();
  }

  async findDefaultById(id: string): Promise<DefaultClientGrant | null> {
    const row = (await this.db('default_client_grants').where({ id }).first()) as Row | undefined;
    return row ? toDefaultGrant(row) : null;
  }

  async updateDefaultScopes(id: string, scopes: string[], at: number): Promise<void> {
    await this.db('default_client_grants').where({ id }).update(writeFields(DEFAULT_CLIENT_GRANT_FIELDS, { scopes, updatedAt: at }));
    this.cache.written();
  }

  async deleteDefault(id: string): Promise<boolean> {
    const deleted = (await this.db('default_client_grants').where({ id }).delete()) > 0;
    this.cache.written();
    return deleted;
  }

  async findById(id: string): Promise<ClientGrant | null> {
    const row = (await this.db('client_grants').where({ id }).first()) as Row | undefined;
    return row ? toClientGrant(row) : null;
  }

  /** Checkpoint paging (from, take) in creation order (issue 13). */
  async listAfter(filter: ClientGrantFilter, page: CheckpointRequest): Promise<{ items: ClientGrant[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'client_grants', equalities(where(filter)), page);
    return { items: rows.map(toClientGrant), next };
  }

  async list(filter: ClientGrantFilter, page: PageRequest): Promise<{ items: ClientGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'client_grants', where(filter), page);
    return { items: rows.map(toClientGrant), total };
  }

  /** The default permissions, paged like the client grants (Auth0 lists them with `default_for`). */
  async listDefaultsAfter(filter: Omit<ClientGrantFilter, 'clientId'>, page: CheckpointRequest): Promise<{ items: DefaultClientGrant[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'default_client_grants', equalities(where(filter)), page);
    return { items: rows.map(toDefaultGrant), next };
  }

  async listDefaultsPage(filter: Omit<ClientGrantFilter, 'clientId'>, page: PageRequest): Promise<{ items: DefaultClientGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'default_client_grants', where(filter), page);
    return { items: rows.map(toDefaultGrant), total };
  }

  async insert(grant: NewClientGrant, trx: Knex = this.db): Promise<void> {
    await trx('client_grants').insert(toRow(grant));
    this.cache.written(trx);
  }

  /** Inserts unless the client already has a grant for this audience: true when this call stored it. */
  async insertIfAbsent(grant: NewClientGrant): Promise<boolean> {
    const inserted = (await this.db('client_grants')
      .insert(toRow(grant))
      .onConflict(['client_id', 'audience', 'subject_type'])
      .ignore()
      .returning('id')) as unknown[];
    this.cache.written();
    return inserted.length > 0;
  }

  async updateScopes(id: string, scopes: string[], at: number): Promise<void> {
    await this.db('client_grants').where({ id }).update(writeFields(CLIENT_GRANT_FIELDS, { scopes, updatedAt: at }));
    this.cache.written();
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.db('client_grants').where({ id }).delete()) > 0;
    this.cache.written();
    return deleted;
  }
}
