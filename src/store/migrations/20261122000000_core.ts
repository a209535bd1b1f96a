import type { Knex } from 'knex';

/** The core schema. Times are epoch milliseconds (bigint) so both SQLite and PostgreSQL agree. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('clients', (t) => {
    t.string('client_id', 64).primary();
    t.text('client_secret').nullable();
    t.string('name', 255).notNullable();
    t.string('description', 140).notNullable().defaultTo('');
    t.text('logo_uri').nullable();
    t.string('app_type', 32).notNullable();
    t.string('token_endpoint_auth_method', 32).notNullable();
    t.boolean('is_first_party').notNullable().defaultTo(true);
    t.boolean('is_dynamic').notNullable().defaultTo(false);
    t.text('callbacks').notNullable().defaultTo('[]');
    t.text('allowed_logout_urls').notNullable().defaultTo('[]');
    t.text('web_origins').notNullable().defaultTo('[]');
    t.text('grant_types').notNullable().defaultTo('[]');
    t.string('jwt_alg', 8).notNullable().defaultTo('RS256');
    t.integer('jwt_lifetime_in_seconds').notNullable().defaultTo(36000);
    t.text('client_metadata').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('resource_servers', (t) => {
    t.string('id', 64).primary();
    t.string('identifier', 600).notNullable().unique();
    t.string('name', 255).notNullable();
    t.string('signing_alg', 8).notNullable().defaultTo('RS256');
    t.integer('token_lifetime').notNullable().defaultTo(86400);
    t.boolean('allow_offline_access').notNullable().defaultTo(false);
    t.boolean('skip_consent_for_verifiable_first_party_clients').notNullable().defaultTo(false);
    t.boolean('is_system').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('resource_server_scopes', (t) => {
    t.string('resource_server_id', 64).notNullable().references('id').inTable('resource_servers').onDelete('CASCADE');
    t.string('value', 280).notNullable();
    t.string('description', 500).notNullable().defaultTo('');
    t.integer('position').notNullable().defaultTo(0);
    t.primary(['resource_server_id', 'value']);
  });

  await knex.schema.createTable('connections', (t) => {
    t.string('id', 64).primary();
    t.string('name', 128).notNullable().unique();
    t.string('strategy', 32).notNullable().defaultTo('auth0');
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('connection_clients', (t) => {
    t.string('connection_id', 64).notNullable().references('id').inTable('connections').onDelete('CASCADE');
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.primary(['connection_id', 'client_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.string('id', 64).primary();
    t.string('connection_id', 64).notNullable().references('id').inTable('connections').onDelete('CASCADE');
    t.string('email', 320).notNullable();
    t.boolean('email_verified').notNullable().defaultTo(false);
    t.text('password_hash').notNullable();
    t.string('name', 255).nullable();
    t.string('nickname', 255).nullable();
    t.text('picture').nullable();
    t.boolean('blocked').notNullable().defaultTo(false);
    t.bigInteger('last_login').nullable();
    t.integer('logins_count').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['connection_id', 'email']);
  });

  await knex.schema.createTable('user_grants', (t) => {
    t.string('id', 64).primary();
    t.string('user_id', 255).notNullable();
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('audience', 600).notNullable();
    t.text('scope').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    // The consent check reads by exactly this key on every authorization.
    t.unique(['user_id', 'client_id', 'audience']);
    t.index(['client_id']);
  });

  await knex.schema.createTable('authorization_transactions', (t) => {
    t.string('id', 64).primary();
    t.string('session_id', 128).notNullable();
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.text('request').notNullable();
    t.string('user_id', 255).nullable();
    t.bigInteger('auth_time').nullable();
    t.boolean('login_required').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('consumed_at').nullable();
    t.index(['session_id']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('authorization_codes', (t) => {
    t.string('code_hash', 64).primary();
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('user_id', 255).notNullable();
    t.string('grant_id', 64).nullable();
    t.text('redirect_uri').notNullable();
    t.text('scope').notNullable();
    t.string('audience', 600).notNullable();
    t.text('nonce').nullable();
    t.string('code_challenge', 64).nullable();
    t.bigInteger('auth_time').notNullable();
    // The ID token's profile claims, captured at authorization so the exchange needs no user lookup.
    t.text('claims').notNullable().defaultTo('{}');
    t.string('session_id', 128).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('consumed_at').nullable();
    t.index(['expires_at']);
  });

  await knex.schema.createTable('signing_keys', (t) => {
    t.string('kid', 64).primary();
    t.string('alg', 8).notNullable();
    t.text('private_jwk').notNullable();
    t.text('public_jwk').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('retired_at').nullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('sess').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'sessions',
    'signing_keys',
    'authorization_codes',
    'authorization_transactions',
    'user_grants',
    'users',
    'connection_clients',
    'connections',
    'resource_server_scopes',
    'resource_servers',
    'clients',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
