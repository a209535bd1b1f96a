import type { Knex } from 'knex';

/**
 * One row per running server on this database, refreshed while it runs: on SQLite, a second process on
 * the same file is detected and warned about (src/store/sqliteInstances.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_instances', (t) => {
    t.string('id', 64).primary();
    t.integer('pid').notNullable();
    t.string('host', 255).notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('seen_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('server_instances');
}
