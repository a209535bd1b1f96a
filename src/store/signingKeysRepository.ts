import type { Knex } from 'knex';
import type { FieldSpecs } from '../domain/fieldMapping.js';
import { readFields, writeFields } from './columnMapping.js';
import type { Row } from './rows.js';

/**
 * Auth0's key lifecycle: the `next` key is published before it signs anything; a rotation makes it
 * `current` and the old current `previous` (still published, so tokens it signed keep verifying);
 * revoking a previous key takes it out of the JWKS for good.
 */
export type SigningKeyState = 'next' | 'current' | 'previous' | 'revoked';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  privateJwk: string;
  publicJwk: string;
  state: SigningKeyState;
  createdAt: number;
  currentSince: number | null;
  currentUntil: number | null;
  revokedAt: number | null;
}

/** The signing_keys table, column by column (revokedAt is kept in `retired_at`). */
const KEY_FIELDS = {
  kid: { column: 'kid', codec: 'text' },
  alg: { column: 'alg', codec: 'text' },
  privateJwk: { column: 'private_jwk', codec: 'text' },
  publicJwk: { column: 'public_jwk', codec: 'text' },
  state: { column: 'state', codec: 'text' },
  createdAt: { column: 'created_at', codec: 'integer' },
  currentSince: { column: 'current_since', codec: 'optionalInteger' },
  currentUntil: { column: 'current_until', codec: 'optionalInteger' },
  revokedAt: { column: 'retired_at', codec: 'optionalInteger' },
} as const satisfies FieldSpecs<StoredSigningKey>;

const toKey = (row: Row): StoredSigningKey => readFields<StoredSigningKey>(KEY_FIELDS, row);

/** Another rotation got there first: the transaction is rolled back. */
class RotationLost extends Error {}

export class SigningKeysRepository {
  constructor(private readonly db: Knex) {}

  /** Every key but the revoked ones: current, next and previous, newest first. */
  async listPublished(): Promise<StoredSigningKey[]> {
    const rows = (await this.db('signing_keys').whereNot('state', 'revoked').orderBy('created_at', 'desc').orderBy('kid')) as Row[];
    return rows.map(toKey);
  }

  /** Every key, revoked ones included (the Management API lists them all). */
  async listAll(): Promise<StoredSigningKey[]> {
    const rows = (await this.db('signing_keys').orderBy('created_at', 'desc').orderBy('kid')) as Row[];
    return rows.map(toKey);
  }

  async find(kid: string): Promise<StoredSigningKey | null> {
    const row = (await this.db('signing_keys').where({ kid }).first()) as Row | undefined;
    return row ? toKey(row) : null;
  }

  async insert(key: Pick<StoredSigningKey, 'kid' | 'alg' | 'privateJwk' | 'publicJwk' | 'state' | 'createdAt' | 'currentSince'>, trx: Knex = this.db): Promise<void> {
    await trx('signing_keys').insert(writeFields(KEY_FIELDS, { ...key, currentUntil: null, revokedAt: null }));
  }

  /**
   * The rotation, all or nothing: the current key becomes previous, the next one current, and `newNext`
   * the next. Each step is conditional on the state it leaves, so of two rotations at once (two
   * instances) one wins and the other finds nothing to rotate: false.
   */
  async rotate(newNext: Parameters<SigningKeysRepository['insert']>[0], at: number): Promise<boolean> {
    try {
      await this.db.transaction(async (trx) => {
        const current = (await trx('signing_keys').where({ state: 'current' }).first('kid')) as Row | undefined;
        const next = (await trx('signing_keys').where({ state: 'next' }).orderBy('created_at').first('kid')) as Row | undefined;
        if (!current || !next) throw new RotationLost();
        const demoted = await trx('signing_keys').where({ kid: current.kid, state: 'current' }).update(writeFields(KEY_FIELDS, { state: 'previous', currentUntil: at }));
        const promoted = await trx('signing_keys').where({ kid: next.kid, state: 'next' }).update(writeFields(KEY_FIELDS, { state: 'current', currentSince: at }));
        if (demoted !== 1 || promoted !== 1) throw new RotationLost();
        await this.insert(newNext, trx);
      });
      return true;
    } catch (err) {
      if (err instanceof RotationLost) return false;
      throw err;
    }
  }

  /** Only a previous key can be revoked: true when this call revoked it. */
  async revoke(kid: string, at: number): Promise<boolean> {
    return (await this.db('signing_keys').where({ kid, state: 'previous' }).update(writeFields(KEY_FIELDS, { state: 'revoked', revokedAt: at }))) > 0;
  }
}
