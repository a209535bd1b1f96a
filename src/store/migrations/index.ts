/**
 * The migrations, listed in code rather than read from a folder, so that the same list works under
 * tsx, ts-jest and compiled JavaScript, and from both the server and `npx knex migrate:latest`.
 */
import type { Knex } from 'knex';
import * as core from './20261122000000_core.js';
import * as clientGrants from './20261122010000_client_grants.js';
import * as refreshTokens from './20261122020000_refresh_tokens.js';
import * as clientRegistrations from './20261122030000_client_registrations.js';
import * as logs from './20261122040000_logs.js';
import * as registryVersion from './20261122050000_registry_version.js';
import * as rateLimits from './20261123100000_rate_limits.js';
import * as consentState from './20261123090000_consent_state.js';
import * as sweepIndexes from './20261123110000_sweep_indexes.js';
import * as clientIdUrls from './20261123120000_client_id_urls.js';
import * as managementGaps from './20261123130000_management_gaps.js';
import * as thirdPartyModel from './20261123140000_third_party_model.js';
import * as userRoles from './20261123160000_user_roles.js';
import * as accountTokens from './20261123170000_account_tokens.js';
import * as connectionOptions from './20261123180000_connection_options.js';
import * as scopeTranslations from './20261123190000_scope_translations.js';
import * as serverInstances from './20261123200000_server_instances.js';

interface Migration {
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = {
  '20261122000000_core': core,
  '20261122010000_client_grants': clientGrants,
  '20261122020000_refresh_tokens': refreshTokens,
  '20261122030000_client_registrations': clientRegistrations,
  '20261122040000_logs': logs,
  '20261122050000_registry_version': registryVersion,
  '20261123100000_rate_limits': rateLimits,
  '20261123090000_consent_state': consentState,
  '20261123110000_sweep_indexes': sweepIndexes,
  '20261123120000_client_id_urls': clientIdUrls,
  '20261123130000_management_gaps': managementGaps,
  '20261123140000_third_party_model': thirdPartyModel,
  '20261123160000_user_roles': userRoles,
  '20261123170000_account_tokens': accountTokens,
  '20261123180000_connection_options': connectionOptions,
  '20261123190000_scope_translations': scopeTranslations,
  '20261123200000_server_instances': serverInstances,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};
