import type { Knex } from 'knex';

/**
 * Client ID Metadata Documents make a URL the client_id, so client ids grow from 64 to 255
 * characters wherever they are stored. SQLite does not enforce varchar lengths; PostgreSQL does.
 */
const COLUMNS: [table: string, column: string][] = [
  ['clients', 'client_id'],
  ['connection_clients', 'client_id'],
  ['user_grants', 'client_id'],
  ['authorization_transactions', 'client_id'],
  ['authorization_codes', 'client_id'],
  ['client_grants', 'client_id'],
  ['refresh_tokens', 'client_id'],
  ['client_registrations', 'client_id'],
  ['logs', 'client_id'],
];

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const [table, column] of COLUMNS) await knex.raw('alter table ?? alter column ?? type varchar(255)', [table, column]);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const [table, column] of COLUMNS) await knex.raw('alter table ?? alter column ?? type varchar(64)', [table, column]);
}
