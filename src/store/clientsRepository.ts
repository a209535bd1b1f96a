import type { Knex } from 'knex';
import { CLIENT_FIELDS, type AppType, type Client } from '../domain/clients.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import type { RegistryCache } from './registryCache.js';
import { SecretCipher, SecretUnreadableError } from './secretCipher.js';
import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import { readFields, writeFields } from './columnMapping.js';
import { jsonArray, strOrNull, type Row, pagedRows, type PageRequest } from './rows.js';

/** A secret that does not open leaves the client unable to authenticate, not unreadable as a whole. */
function openSecret(cipher: SecretCipher, stored: unknown, clientId: string): { clientSecret: string | null; secretUnreadable?: true } {
  try {
    return { clientSecret: cipher.open(strOrNull(stored), clientId) };
  } catch (err) {
    if (err instanceof SecretUnreadableError) return { clientSecret: null, secretUnreadable: true };
    throw err;
  }
}

function toClient(row: Row, cipher: SecretCipher): Client {
  const fields = readFields<Omit<Client, 'clientSecret' | 'secretUnreadable'>>(CLIENT_FIELDS, row);
  return { ...fields, ...openSecret(cipher, row.client_secret, fields.clientId) };
}

export interface ClientFilter {
  appTypes?: AppType[];
  isFirstParty?: boolean;
}

function filterColumns(filter: ClientFilter) {
  return { [CLIENT_FIELDS.appType.column]: filter.appTypes?.length ? filter.appTypes : undefined, [CLIENT_FIELDS.isFirstParty.column]: filter.isFirstParty };
}

function toRow(client: Client, cipher: SecretCipher): Row {
  const row = writeFields(CLIENT_FIELDS, client);
  // An unreadable secret is kept as stored (a rotation replaces it), never overwritten by a null.
  if (!client.secretUnreadable) row.client_secret = cipher.seal(client.clientSecret, client.clientId);
  return row;
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
  async listAfter(filter: ClientFilter, page: CheckpointRequest): Promise<{ clients: Client[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'clients', equalities(filterColumns(filter)), page, CLIENT_FIELDS.clientId.column);
    return { clients: rows.map((row) => toClient(row, this.cipher)), next };
  }

  async list(filter: ClientFilter, page: PageRequest): Promise<{ clients: Client[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'clients', filterColumns(filter), page, CLIENT_FIELDS.clientId.column);
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
    const { clientSecret: previous } = openSecret(this.cipher, row?.previous_client_secret, clientId);
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
