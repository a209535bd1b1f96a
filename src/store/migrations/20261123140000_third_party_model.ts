import type { Knex } from 'knex';
import { bumpRegistryVersionOnChange } from './20261122050000_registry_version.js';

/**
 * Auth0's 2026 model for third-party applications: a client's security mode (strict or permissive,
 * fixed at creation) and redirection policy; an API's access policies per subject type; client grants
 * for user flows as well as client flows; and default permissions for every third-party client.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.string('third_party_security_mode', 16).nullable();
    t.string('redirection_policy', 32).notNullable().defaultTo('allow_always');
  });
  await knex.schema.alterTable('resource_servers', (t) => {
    t.string('user_access_policy', 32).notNullable().defaultTo('allow_all');
    t.string('client_access_policy', 32).notNullable().defaultTo('require_client_grant');
  });
  await knex.schema.alterTable('client_grants', (t) => {
    t.string('subject_type', 8).notNullable().defaultTo('client');
  });
  // One grant per client, API and subject type: a client may hold both a user and a client grant.
  await knex.schema.alterTable('client_grants', (t) => {
    t.dropUnique(['client_id', 'audience']);
    t.unique(['client_id', 'audience', 'subject_type']);
  });
  await knex.schema.createTable('default_client_grants', (t) => {
    t.string('id', 64).primary();
    t.string('default_for', 32).notNullable();
    t.string('audience', 600).notNullable();
    t.text('scope').notNullable();
    t.string('subject_type', 8).notNullable().defaultTo('user');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['default_for', 'audience', 'subject_type']);
  });
  // Read through the registry cache like client grants: changes must reach every instance.
  await bumpRegistryVersionOnChange(knex, 'default_client_grants');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('default_client_grants');
  await knex.schema.alterTable('client_grants', (t) => {
    t.dropUnique(['client_id', 'audience', 'subject_type']);
    t.unique(['client_id', 'audience']);
  });
  await knex.schema.alterTable('client_grants', (t) => t.dropColumn('subject_type'));
  await knex.schema.alterTable('resource_servers', (t) => {
    t.dropColumn('client_access_policy');
    t.dropColumn('user_access_policy');
  });
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('redirection_policy');
    t.dropColumn('third_party_security_mode');
  });
}
