import type { Knex } from 'knex';

/** RFC 7592: the registration access token (its hash) that lets a dynamically registered client manage itself. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('client_registrations', (t) => {
    t.string('client_id', 64).primary().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('client_registrations');
}
