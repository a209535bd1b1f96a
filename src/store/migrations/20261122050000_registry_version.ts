import type { Knex } from 'knex';

/**
 * A counter that any change to the registry tables bumps, whoever makes it (this process, another
 * instance, a migration or hand-written SQL): each instance's in-memory registry cache compares it
 * to know when to forget what it holds. Triggers, rather than application code, so nothing bypasses it.
 */
export const REGISTRY_TABLES = ['clients', 'resource_servers', 'resource_server_scopes', 'client_grants'] as const;
const OPERATIONS = ['insert', 'update', 'delete'] as const;
const onPostgres = (knex: Knex): boolean => (knex.client as { dialect?: string }).dialect === 'postgresql';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('registry_version', (t) => {
    t.integer('id').primary();
    t.bigInteger('version').notNullable();
  });
  await knex('registry_version').insert({ id: 1, version: 0 });
  if (onPostgres(knex)) {
    await knex.raw(`create function registry_version_bump() returns trigger language plpgsql as $$
      begin update registry_version set version = version + 1 where id = 1; return null; end $$`);
  }
  for (const table of REGISTRY_TABLES) await bumpRegistryVersionOnChange(knex, table);
}

/** The triggers that make any change to `table` bump the counter (later registry tables use it too). */
export async function bumpRegistryVersionOnChange(knex: Knex, table: string): Promise<void> {
  if (onPostgres(knex)) {
    await knex.raw(`create trigger ${table}_registry_version after insert or update or delete on ${table}
      for each statement execute function registry_version_bump()`);
    return;
  }
  for (const op of OPERATIONS) {
    await knex.raw(`create trigger ${table}_${op}_registry_version after ${op} on ${table}
      begin update registry_version set version = version + 1 where id = 1; end`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (onPostgres(knex)) {
    for (const table of REGISTRY_TABLES) await knex.raw(`drop trigger if exists ${table}_registry_version on ${table}`);
    await knex.raw('drop function if exists registry_version_bump()');
  } else {
    for (const table of REGISTRY_TABLES) {
      for (const op of OPERATIONS) await knex.raw(`drop trigger if exists ${table}_${op}_registry_version`);
    }
  }
  await knex.schema.dropTableIfExists('registry_version');
}
