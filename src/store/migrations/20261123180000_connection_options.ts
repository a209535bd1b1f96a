import type { Knex } from 'knex';

/**
 * Auth0's connection `options` (JSON, per strategy; an OIDC connection's client_secret sealed inside),
 * Auth0's `display_name`, and the public id of users who come from an upstream provider
 * (`oidc|<connection>|<sub>`; null for database users, whose id is `auth0|<id>`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('connections', (t) => {
    t.text('options').nullable();
    t.string('display_name', 128).nullable();
  });
  await knex.schema.alterTable('users', (t) => {
    t.string('subject', 700).nullable();
    t.unique(['subject'], { indexName: 'users_subject_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropUnique(['subject'], 'users_subject_unique');
    t.dropColumn('subject');
  });
  await knex.schema.alterTable('connections', (t) => {
    t.dropColumn('display_name');
    t.dropColumn('options');
  });
}
