import type { Knex } from 'knex';

/** An API's scope descriptions in other languages, as JSON by locale ({"fr": "…"}); null when it has none. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resource_server_scopes', (t) => {
    t.text('descriptions').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resource_server_scopes', (t) => {
    t.dropColumn('descriptions');
  });
}
