import type { Knex } from 'knex';
import { num, type Row } from './rows.js';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  privateJwk: string;
  publicJwk: string;
  createdAt: number;
}

export class SigningKeysRepository {
  constructor(private readonly db: Knex) {}

  /** Active keys, newest first: the first one signs, all of them are published. */
  async listActive(): Promise<StoredSigningKey[]> {
    const rows = (await this.db('signing_keys').whereNull('retired_at').orderBy('created_at', 'desc').orderBy('kid')) as Row[];
    return rows.map((row) => ({
      kid: String(row.kid),
      alg: String(row.alg),
      privateJwk: String(row.private_jwk),
      publicJwk: String(row.public_jwk),
      createdAt: num(row.created_at),
    }));
  }

  async insert(key: StoredSigningKey): Promise<void> {
    await this.db('signing_keys').insert({
      kid: key.kid,
      alg: key.alg,
      private_jwk: key.privateJwk,
      public_jwk: key.publicJwk,
      created_at: key.createdAt,
      retired_at: null,
    });
  }
}
