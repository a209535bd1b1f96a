import type { Knex } from 'knex';
import type { AppType, Client, GrantType, IdTokenAlg, TokenEndpointAuthMethod } from '../domain/clients.js';
import type { RegistryCache } from './registryCache.js';
import { bool, jsonArray, jsonRecord, num, strOrNull, type Row, pagedRows, type PageRequest } from './rows.js';

function toClient(row: Row): Client {
  return {
    clientId: String(row.client_id),
    clientSecret: strOrNull(row.client_secret),
    name: String(row.name),
    description: String(row.description ?? ''),
    logoUri: strOrNull(row.logo_uri),
    appType: row.app_type as AppType,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    isFirstParty: bool(row.is_first_party),
    isDynamic: bool(row.is_dynamic),
    callbacks: jsonArray(row.callbacks),
    allowedLogoutUrls: jsonArray(row.allowed_logout_urls),
    webOrigins: jsonArray(row.web_origins),
    allowedOrigins: jsonArray(row.allowed_origins),
    initiateLoginUri: strOrNull(row.initiate_login_uri),
    grantTypes: jsonArray(row.grant_types) as GrantType[],
    jwtAlg: row.jwt_alg as IdTokenAlg,
    jwtLifetimeInSeconds: num(row.jwt_lifetime_in_seconds),
    clientMetadata: jsonRecord(row.client_metadata),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

function toRow(client: Client): Row {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    name: client.name,
    description: client.description,
    logo_uri: client.logoUri,
    app_type: client.appType,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    is_first_party: client.isFirstParty,
    is_dynamic: client.isDynamic,
    callbacks: JSON.stringify(client.callbacks),
    allowed_logout_urls: JSON.stringify(client.allowedLogoutUrls),
    web_origins: JSON.stringify(client.webOrigins),
    allowed_origins: JSON.stringify(client.allowedOrigins),
    initiate_login_uri: client.initiateLoginUri,
    grant_types: JSON.stringify(client.grantTypes),
    jwt_alg: client.jwtAlg,
    jwt_lifetime_in_seconds: client.jwtLifetimeInSeconds,
    client_metadata: JSON.stringify(client.clientMetadata),
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

export class ClientsRepository {
  constructor(
    private readonly db: Knex,
    private readonly cache: RegistryCache,
  ) {}

  /** Outside a transaction, from the registry cache (the returned client is frozen). */
  async findById(clientId: string, trx: Knex = this.db): Promise<Client | null> {
    const load = async () => {
      const row = (await trx('clients').where({ client_id: clientId }).first()) as Row | undefined;
      return row ? toClient(row) : null;
    };
    return trx === this.db ? this.cache.get(`client:${clientId}`, load) : load();
  }

  /**
   * Whether any client lists this origin in web_origins or allowed_origins (for CORS preflights, which
   * carry no client_id). The JSON columns are narrowed with LIKE, then read exactly.
   */
  async anyAllowsOrigin(origin: string): Promise<boolean> {
    const found = await this.cache.get(`origin:${origin}`, async () => {
      const pattern = `%${JSON.stringify(origin).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = (await this.db('clients')
        .select('web_origins', 'allowed_origins')
        .whereRaw("web_origins like ? escape '\\'", [pattern])
        .orWhereRaw("allowed_origins like ? escape '\\'", [pattern])
        .limit(100)) as Row[];
      return { allowed: rows.some((row) => [...jsonArray(row.web_origins), ...jsonArray(row.allowed_origins)].includes(origin)) };
    });
    return found?.allowed ?? false;
  }

  async insert(client: Client, trx: Knex = this.db): Promise<void> {
    await trx('clients').insert(toRow(client));
    this.cache.written(trx);
  }

  /** Inserts unless a client with this id exists (another instance's seed): true when this call stored it. */
  async insertIfAbsent(client: Client, trx: Knex = this.db): Promise<boolean> {
    const inserted = (await trx('clients').insert(toRow(client)).onConflict('client_id').ignore().returning('client_id')) as unknown[];
    this.cache.written(trx);
    return inserted.length > 0;
  }

  async update(client: Client, trx: Knex = this.db): Promise<void> {
    await trx('clients').where({ client_id: client.clientId }).update(toRow(client));
    this.cache.written(trx);
  }

  async delete(clientId: string, trx: Knex = this.db): Promise<boolean> {
    const deleted = (await trx('clients').where({ client_id: clientId }).delete()) > 0;
    this.cache.written(trx);
    return deleted;
  }

  async list(filter: { appTypes?: AppType[]; isFirstParty?: boolean }, page: PageRequest): Promise<{ clients: Client[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'clients', { app_type: filter.appTypes?.length ? filter.appTypes : undefined, is_first_party: filter.isFirstParty }, page, 'client_id');
    return { clients: rows.map(toClient), total };
  }
}
