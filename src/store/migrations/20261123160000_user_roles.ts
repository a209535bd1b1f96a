import type { Knex } from 'knex';

/**
 * Roles held by users (the dashboard's administrator role). Keyed by the user's id (the `sub`), not a
 * foreign key to users: a user signed in by the host's `authenticate` hook has no row there.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_roles', (t) => {
    t.string('user_id', 255).notNullable();
    t.string('role', 64).notNullable();
    t.string('granted_by', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['user_id', 'role']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('user_roles');
}
