import type { Knex } from 'knex';

/**
 * Issue 13, Management API gaps:
 * - users get Auth0's user_metadata and app_metadata (JSON text, '{}' when empty);
 * - signing keys get Auth0's lifecycle (next → current → previous → revoked) as an explicit state, and
 *   bump the registry change counter so every instance learns of a rotation within registryCacheMs;
 * - clients keep the secret they had before a rotation, and until when it is still accepted.
 */
const onPostgres = (knex: Knex): boolean => (knex.client as { dialect?: string }).dialect === 'postgresql';
const OPERATIONS = ['insert', 'update', 'delete'] as const;
const SIGNING_KEY_SCOPES = ['read:signing_keys', 'create:signing_keys', 'update:signing_keys'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('user_metadata').notNullable().defaultTo('{}');
    t.text('app_metadata').notNullable().defaultTo('{}');
  });

  await knex.schema.alterTable('signing_keys', (t) => {
    t.string('state', 16).notNullable().defaultTo('previous');
    t.bigInteger('current_since').nullable();
    t.bigInteger('current_until').nullable();
  });
  // Until now the newest unretired key signed and every unretired key was published.
  const active = (await knex('signing_keys').whereNull('retired_at').orderBy('created_at', 'desc').orderBy('kid').select('kid', 'created_at')) as {
    kid: string;
    created_at: number | string;
  }[];
  const [newest, ...older] = active;
  if (newest) await knex('signing_keys').where({ kid: newest.kid }).update({ state: 'current', current_since: Number(newest.created_at) });
  if (older.length) await knex('signing_keys').whereIn('kid', older.map((k) => k.kid)).update({ state: 'previous' });
  await knex('signing_keys').whereNotNull('retired_at').update({ state: 'revoked' });
  await knex.schema.alterTable('signing_keys', (t) => t.index(['state']));

  if (onPostgres(knex)) {
    // registry_version_bump() comes from the registry_version migration.
    await knex.raw(`create trigger signing_keys_registry_version after insert or update or delete on signing_keys
      for each statement execute function registry_version_bump()`);
  } else {
    for (const op of OPERATIONS) {
      await knex.raw(`create trigger signing_keys_${op}_registry_version after ${op} on signing_keys
        begin update registry_version set version = version + 1 where id = 1; end`);
    }
  }

  // The Management API (the system resource server) gains Auth0's signing-key scopes in existing databases.
  const systemApis = (await knex('resource_servers').where({ is_system: true }).select('id')) as { id: string }[];
  for (const { id } of systemApis) {
    const position = Number(((await knex('resource_server_scopes').where({ resource_server_id: id }).max({ n: 'position' }).first()) as { n: number | null } | undefined)?.n ?? 0);
    const rows = SIGNING_KEY_SCOPES.map((value, i) => ({ resource_server_id: id, value, description: value.replace(':', ' ').replace(/_/g, ' '), position: position + 1 + i }));
    await knex('resource_server_scopes').insert(rows).onConflict(['resource_server_id', 'value']).ignore();
  }

  await knex.schema.alterTable('clients', (t) => {
    t.text('previous_client_secret').nullable();
    t.bigInteger('previous_secret_expires_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('previous_client_secret');
    t.dropColumn('previous_secret_expires_at');
  });
  if (onPostgres(knex)) await knex.raw('drop trigger if exists signing_keys_registry_version on signing_keys');
  else for (const op of OPERATIONS) await knex.raw(`drop trigger if exists signing_keys_${op}_registry_version`);
  await knex.schema.alterTable('signing_keys', (t) => {
    t.dropIndex(['state']);
    t.dropColumn('state');
    t.dropColumn('current_since');
    t.dropColumn('current_until');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('user_metadata');
    t.dropColumn('app_metadata');
  });
}
