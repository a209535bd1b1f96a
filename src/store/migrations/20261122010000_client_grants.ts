import type { Knex } from 'knex';

/** Client grants: which APIs (and scopes) a machine-to-machine client may get tokens for. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('client_grants', (t) => {
    t.string('id', 64).primary();
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('audience', 600).notNullable();
    t.text('scope').notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['client_id', 'audience']);
    t.index(['audience']);
  });
  await knex.schema.alterTable('clients', (t) => {
    t.text('allowed_origins').notNullable().defaultTo('[]');
    t.text('initiate_login_uri').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('allowed_origins');
    t.dropColumn('initiate_login_uri');
  });
  await knex.schema.dropTableIfExists('client_grants');
}
