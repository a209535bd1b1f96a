/**
 * `npm run admin -- <command>`: administration from the shell, with the server's own configuration
 * (the same environment variables and defaults as `npm start`: DATABASE_URL, ISSUER or PORT).
 */
import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { ConfigurationError, createAuthServer, StartupError, type AuthServer } from '../index.js';
import { managementAudience } from '../domain/managementApi.js';
import { readEnvironment } from '../ops/environment.js';
import { ClientService } from '../services/clientService.js';
import { Administrators } from '../dashboard/administrators.js';
import { userSubject } from '../domain/users.js';

const USAGE = `Usage: npm run admin -- <command>

Commands:
  create-management-client [--name NAME]  a machine-to-machine client allowed every Management API
                                          scope; prints its credentials as JSON. Idempotent by name:
                                          if a management client of that name exists, prints it.
                                          (default name: "Management API client")
  list                                    the management clients (id, name), as JSON
  delete <client_id>                      deletes a management client
  grant-admin <email|user_id>             gives a user the administrator role (the dashboard)
  revoke-admin <email|user_id>            takes it away; their dashboard access ends at once
  list-admins                             the administrators (user_id, email), as JSON
  --help                                  this text

Configuration comes from the environment, as for \`npm start\`: DATABASE_URL (default ./data/auth.sqlite),
ISSUER (default http://localhost:$PORT/, PORT default 3000).`;

type Command = (auth: AuthServer, args: string[], name: string | undefined) => Promise<number>;

const COMMANDS: Record<string, { arity: number; run: Command }> = {
  'create-management-client': { arity: 0, run: createManagementClient },
  list: { arity: 0, run: listManagementClients },
  delete: { arity: 1, run: deleteManagementClient },
  'grant-admin': { arity: 1, run: (auth, [who]) => changeAdmin(auth, who, true) },
  'revoke-admin': { arity: 1, run: (auth, [who]) => changeAdmin(auth, who, false) },
  'list-admins': { arity: 0, run: listAdmins },
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  const command = COMMANDS[positionals[0] ?? ''];
  if (!command || positionals.length !== command.arity + 1) {
    console.error(USAGE);
    return 2;
  }
  const env = readEnvironment();
  // Quiet, and on stderr: the command's JSON is what goes to stdout (a warning, such as another process
  // on the same SQLite file, must not break it).
  const auth = await createAuthServer({ issuer: env.issuer, database: env.database, logger: pino({ level: 'warn' }, destination(2)), sweepIntervalMs: 0 });
  try {
    return await command.run(auth, positionals.slice(1), values.name);
  } finally {
    await auth.close();
  }
}

async function isManagementClient(auth: AuthServer, clientId: string): Promise<boolean> {
  return (await auth.context.repos.clientGrants.find(clientId, managementAudience(auth.context.options.issuer))) !== null;
}

async function createManagementClient(auth: AuthServer, _args: string[], name = 'Management API client'): Promise<number> {
  const issuer = auth.context.options.issuer;
  const existingId = await auth.context.repos.clients.findIdByName(name);
  if (existingId && !(await isManagementClient(auth, existingId))) {
    console.error(`A client named "${name}" exists (${existingId}) and is not a management client: choose another --name.`);
    return 1;
  }
  const client = await auth.admin.ensureManagementClient(existingId ? { clientId: existingId } : { name });
  if (existingId) console.error(`A management client named "${name}" already exists: these are its credentials (nothing was created).`);
  const credentials = { client_id: client.clientId, client_secret: client.clientSecret, audience: managementAudience(issuer), token_endpoint: `${issuer}oauth/token`, created: !existingId };
  console.log(JSON.stringify(credentials, null, 2));
  return 0;
}

async function listManagementClients(auth: AuthServer): Promise<number> {
  const { clients } = await auth.context.repos.clients.list({ appTypes: ['non_interactive'] }, { offset: 0, limit: 1000 });
  const found = [];
  for (const client of clients) if (await isManagementClient(auth, client.clientId)) found.push({ client_id: client.clientId, name: client.name });
  console.log(JSON.stringify(found, null, 2));
  return 0;
}

async function deleteManagementClient(auth: AuthServer, [clientId]: string[]): Promise<number> {
  if (!clientId || !(await isManagementClient(auth, clientId))) {
    console.error(`No management client has the id ${clientId}. (\`list\` shows them; other clients are deleted through the Management API.)`);
    return 1;
  }
  await new ClientService(auth.context).delete(clientId);
  console.error(`Deleted the management client ${clientId}.`);
  return 0;
}

/** A user id (auth0|…) as is; an email: the users with that address (one, or the command refuses). */
async function findSubject(auth: AuthServer, who: string): Promise<string | null> {
  if (!who.includes('@')) return (await auth.context.repos.users.findById(who.replace(/^auth0\|/, ''))) ? (who.startsWith('auth0|') ? who : `auth0|${who}`) : null;
  const users = await auth.context.repos.users.findAllByEmail(who.trim().toLowerCase());
  if (users.length > 1) {
    console.error(`Several users have the email ${who} (one per connection): give the user_id instead: ${users.map((u) => userSubject(u)).join(', ')}`);
    return null;
  }
  return users[0] ? userSubject(users[0]) : null;
}

async function changeAdmin(auth: AuthServer, who: string | undefined, grant: boolean): Promise<number> {
  const sub = who ? await findSubject(auth, who) : null;
  if (!sub) {
    console.error(`No single user matches ${who ?? ''}. Create the user first (Management API POST /api/v2/users, or the dashboard).`);
    return 1;
  }
  const administrators = new Administrators(auth.context.db);
  const changed = grant ? await administrators.grant(sub) : await administrators.revoke(sub);
  console.error(changed ? `${sub} ${grant ? 'is now an administrator' : 'is no longer an administrator'}.` : `${sub} ${grant ? 'was already an administrator' : 'was not an administrator'}: nothing changed.`);
  return 0;
}

async function listAdmins(auth: AuthServer): Promise<number> {
  const found = [];
  for (const sub of await new Administrators(auth.context.db).list()) {
    const user = sub.startsWith('auth0|') ? await auth.context.repos.users.findById(sub.slice('auth0|'.length)) : null;
    found.push({ user_id: sub, email: user?.email ?? null });
  }
  console.log(JSON.stringify(found, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigurationError || err instanceof StartupError;
    console.error(known ? err.message : err);
    process.exit(1);
  },
);
