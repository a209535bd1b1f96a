import type { Knex } from 'knex';

/**
 * Refresh tokens, stored by hash. A family is the chain of rotations from one authorization; a grant's
 * or client's deletion removes its tokens through the foreign keys, in the same statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('refresh_tokens', (t) => {
    t.string('id', 64).primary();
    t.string('token_hash', 64).notNullable().unique();
    t.string('family_id', 64).notNullable();
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('user_id', 255).notNullable();
    t.string('grant_id', 64).nullable().references('id').inTable('user_grants').onDelete('CASCADE');
    t.string('code_hash', 64).nullable();
    t.string('audience', 600).notNullable();
    t.text('scope').notNullable();
    t.bigInteger('auth_time').notNullable();
    t.text('claims').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('idle_expires_at').notNullable();
    t.bigInteger('rotated_at').nullable();
    t.bigInteger('revoked_at').nullable();
    t.index(['family_id']);
    t.index(['user_id']);
    t.index(['code_hash']);
    t.index(['grant_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('refresh_tokens');
}
