import type { Knex } from 'knex';

/** The sweeper deletes refresh tokens by their (family's) absolute expiry: an index keeps that cheap. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.dropIndex(['expires_at']);
  });
}
