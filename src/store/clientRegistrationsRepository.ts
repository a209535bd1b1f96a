import type { Knex } from 'knex';
import { type Row } from './rows.js';

export class ClientRegistrationsRepository {
  constructor(private readonly db: Knex) {}

  async insert(clientId: string, tokenHash: string, trx: Knex = this.db): Promise<void> {
    await trx('client_registrations').insert({ client_id: clientId, token_hash: tokenHash, created_at: Date.now() });
  }

  async tokenHash(clientId: string): Promise<string | null> {
    const row = (await this.db('client_registrations').where({ client_id: clientId }).first()) as Row | undefined;
    return row ? String(row.token_hash) : null;
  }
}
