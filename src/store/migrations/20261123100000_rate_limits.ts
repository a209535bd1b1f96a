import type { Knex } from 'knex';

/**
 * Counters of the abuse limits (failed sign-ins, wrong client secrets, registrations), kept in the
 * database so that every instance on it shares them. One row per rule and key; `expires_at` ends
 * the window (or the block), after which the next hit starts a new count.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('rule', 32).notNullable();
    t.string('identifier', 320).notNullable().defaultTo('');
    t.string('ip', 64).notNullable().defaultTo('');
    t.string('connection', 128).notNullable().defaultTo('');
    t.integer('count').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['rule', 'identifier', 'ip', 'connection']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limits');
}
