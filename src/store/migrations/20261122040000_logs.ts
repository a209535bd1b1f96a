import type { Knex } from 'knex';

/** The audit log, in Auth0's event shape. Indexed for the Management API's queries and the login throttle. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('logs', (t) => {
    t.string('log_id', 64).primary();
    t.bigInteger('date').notNullable();
    t.string('type', 16).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('client_id', 64).nullable();
    t.string('client_name', 255).nullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 512).nullable();
    t.string('user_id', 255).nullable();
    t.string('user_name', 320).nullable();
    t.string('connection', 128).nullable();
    t.string('audience', 600).nullable();
    t.text('scope').nullable();
    t.text('details').notNullable().defaultTo('{}');
    t.index(['date']);
    t.index(['type', 'date']);
    t.index(['user_id', 'date']);
    t.index(['client_id', 'date']);
    t.index(['user_name', 'ip', 'type', 'date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('logs');
}
