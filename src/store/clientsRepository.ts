import type { Knex } from 'knex';
import type { AppType, Client, GrantType, IdTokenAlg, RedirectionPolicy, ThirdPartySecurityMode, TokenEndpointAuthMethod } from '../domain/clients.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import type { RegistryCache } from './registryCache.js';
import { SecretCipher } from './secretCipher.js';
import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import { bool, jsonArray, jsonRecord, num, strOrNull, type Row, pagedRows, type PageRequest } from './rows.js';

function toClient(row: Row, cipher: SecretCipher): Client {
  return {
    clientId: String(row.client_id),
    clientSecret: cipher.open(strOrNull(row.client_secret), String(row.client_id)),
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
    thirdPartySecurityMode: (strOrNull(row.third_party_security_mode) as ThirdPartySecurityMode | null) ?? null,
    redirectionPolicy: (row.redirection_policy ?? 'allow_always') as RedirectionPolicy,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

function toRow(client: Client, cipher: SecretCipher): Row {
  return {
    client_id: client.clientId,
    client_secret: cipher.seal(client.clientSecret, client.clientId),
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
    third_party_security_mode: client.thirdPartySecurityMode,
    redirection_policy: client.redirectionPolicy,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

export class ClientsRepository {
  constructor(
    private readonly db: Knex,
    private readonly cache: RegistryCache,
    /** Secrets are sealed on every write and opened on every read (src/store/secretCipher.ts). */
    private readonly cipher: SecretCipher = new SecretCipher(null),
  ) {}

  /** Outside a transaction, from the registry cache (the returned client is frozen). */
  async findById(clientId: string, trx: Knex = this.db): Promise<Client | null> {
    const load = async () => {
      const row = (await trx('clients').where({ client_id: clientId }).first()) as Row | undefined;
      return row ? toClient(row, this.cipher) : null;
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

  /** The oldest client with this name (names are not unique): for `ensureClient` by name. */
  async findIdByName(name: string): Promise<string | null> {
    const row = (await this.db('clients').where({ name }).orderBy('created_at').first('client_id')) as { client_id: string } | undefined;
    return row?.client_id ?? null;
  }

  async insert(client: Client, trx: Knex = this.db): Promise<void> {
    await trx('clients').insert(toRow(client, this.cipher));
    this.cache.written(trx);
  }

  /** Inserts unless a client with this id exists (another instance's seed): true when this call stored it. */
  async insertIfAbsent(client: Client, trx: Knex = this.db): Promise<boolean> {
    const inserted = (await trx('clients').insert(toRow(client, this.cipher)).onConflict('client_id').ignore().returning('client_id')) as unknown[];
    this.cache.written(trx);
    return inserted.length > 0;
  }

  async update(client: Client, trx: Knex = this.db): Promise<void> {
    await trx('clients').where({ client_id: client.clientId }).update(toRow(client, this.cipher));
    this.cache.written(trx);
  }

  async delete(clientId: string, trx: Knex = this.db): Promise<boolean> {
    const deleted = (await trx('clients').where({ client_id: clientId }).delete()) > 0;
    this.cache.written(trx);
    return deleted;
  }

  /** Checkpoint paging (from, take) in creation order. */
  async listAfter(filter: { appTypes?: AppType[]; isFirstParty?: boolean }, page: CheckpointRequest): Promise<{ clients: Client[]; next: string | null }> {
    const where = equalities({ app_type: filter.appTypes?.length ? filter.appTypes : undefined, is_first_party: filter.isFirstParty });
    const { rows, next } = await checkpointRows(this.db, 'clients', where, page, 'client_id');
    return { clients: rows.map((row) => toClient(row, this.cipher)), next };
  }

  async list(filter: { appTypes?: AppType[]; isFirstParty?: boolean }, page: PageRequest): Promise<{ clients: Client[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'clients', { app_type: filter.appTypes?.length ? filter.appTypes : undefined, is_first_party: filter.isFirstParty }, page, 'client_id');
    return { clients: rows.map((row) => toClient(row, this.cipher)), total };
  }

  /**
   * A new secret; the one it replaces keeps working until `previousUntil` (null: not at all, Auth0's
   * behaviour). The previous secret is sealed like the current one.
   */
  async rotateSecret(client: Client, newSecret: string, previousUntil: number | null, at: number): Promise<void> {
    await this.db('clients')
      .where({ client_id: client.clientId })
      .update({
        client_secret: this.cipher.seal(newSecret, client.clientId),
        previous_client_secret: previousUntil === null ? null : this.cipher.seal(client.clientSecret, client.clientId),
        previous_secret_expires_at: previousUntil,
        updated_at: at,
      });
    this.cache.written();
  }

  /** Whether `presented` is the client's previous secret and its overlap window is still open. */
  async previousSecretMatches(clientId: string, presented: string, now: number): Promise<boolean> {
    const row = (await this.db('clients').where({ client_id: clientId }).where('previous_secret_expires_at', '>', now).first('previous_client_secret')) as Row | undefined;
    const previous = this.cipher.open(strOrNull(row?.previous_client_secret), clientId);
    return previous !== null && timingSafeEqualStrings(presented, previous);
  }

  /**
   * With a key configured, seals the secrets still stored in plain text (rows written before the key
   * was set); run at start. Returns how many rows it sealed.
   */
  async sealPlaintextSecrets(): Promise<number> {
    if (!this.cipher.encrypting) return 0;
    const rows = (await this.db('clients')
      .select('client_id', 'client_secret', 'previous_client_secret')
      .where((q) => q.whereNotNull('client_secret').andWhereNot('client_secret', 'like', 'enc:v1:%'))
      .orWhere((q) => q.whereNotNull('previous_client_secret').andWhereNot('previous_client_secret', 'like', 'enc:v1:%'))) as Row[];
    for (const row of rows) {
      const clientId = String(row.client_id);
      const reseal = (value: unknown) => {
        const stored = strOrNull(value);
        return stored === null || SecretCipher.isSealed(stored) ? stored : this.cipher.seal(stored, clientId);
      };
      // Conditional on the values read, so a concurrent write (another instance sealing too) is not overwritten.
      await this.db('clients')
        .where({ client_id: clientId, client_secret: row.client_secret ?? null })
        .update({ client_secret: reseal(row.client_secret), previous_client_secret: reseal(row.previous_client_secret) });
    }
    if (rows.length) this.cache.written();
    return rows.length;
  }
}
