import type { Knex } from 'knex';

/**
 * Single-use links sent by email (password reset, email verification). Only the SHA-256 of the token
 * is stored: a copy of the database resets no password. `tx_id` is the authorization the person was
 * in when they asked, so the page after the link can offer to continue it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.string('purpose', 16).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('tx_id', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.index(['user_id', 'purpose']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_tokens');
}
