import type { Knex } from 'knex';

/**
 * What people chose, kept exactly: scopes a user refused (so they are not asked on every sign-in and
 * never reach a token), the explicit state of an authorization transaction (so no step can be
 * skipped), whose session each is (so blocking a user ends them), a replayed code's mark (so the
 * winner of a concurrent exchange loses its refresh token too), and revoked access tokens by jti.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('user_grants', (t) => {
    t.text('rejected_scope').notNullable().defaultTo('');
  });
  await knex.schema.alterTable('authorization_transactions', (t) => {
    t.string('state', 16).notNullable().defaultTo('validated');
    t.index(['user_id']);
  });
  await knex.schema.alterTable('authorization_transactions', (t) => {
    t.dropColumn('login_required');
  });
  await knex.schema.alterTable('sessions', (t) => {
    t.string('user_id', 255).nullable();
    t.index(['user_id']);
  });
  await knex.schema.alterTable('authorization_codes', (t) => {
    t.bigInteger('replayed_at').nullable();
    t.string('issued_jti', 64).nullable();
    t.bigInteger('issued_jti_expires_at').nullable();
  });
  await knex.schema.createTable('revoked_access_tokens', (t) => {
    t.string('jti', 64).primary();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('revoked_access_tokens');
  await knex.schema.alterTable('authorization_codes', (t) => {
    t.dropColumn('issued_jti_expires_at');
    t.dropColumn('issued_jti');
    t.dropColumn('replayed_at');
  });
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['user_id']);
    t.dropColumn('user_id');
  });
  await knex.schema.alterTable('authorization_transactions', (t) => {
    t.boolean('login_required').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('authorization_transactions', (t) => {
    t.dropIndex(['user_id']);
    t.dropColumn('state');
  });
  await knex.schema.alterTable('user_grants', (t) => t.dropColumn('rejected_scope'));
}
