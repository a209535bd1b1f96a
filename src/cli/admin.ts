/**
 * `npm run admin -- <command>`: administration from the shell, on the database named by DATABASE_URL
 * (default: the SQLite file ./data/auth.sqlite) for the issuer named by ISSUER.
 *
 *   create-management-client [--name NAME]   creates a machine-to-machine client allowed every
 *                                            Management API scope and prints its credentials
 */
import { parseArgs } from 'node:util';
import { createAuthServer, databaseConfigFromUrl } from '../index.js';
import { managementAudience } from '../domain/managementApi.js';

const USAGE = 'Usage: npm run admin -- create-management-client [--name NAME]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' } } });
  if (positionals[0] !== 'create-management-client' || positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const issuer = process.env.ISSUER ?? `http://localhost:${process.env.PORT ?? 3000}/`;
  const auth = await createAuthServer({ issuer, database: databaseConfigFromUrl(process.env.DATABASE_URL) });
  try {
    const client = await auth.admin.ensureManagementClient({ name: values.name ?? 'Management API client' });
    console.log(
      JSON.stringify(
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          audience: managementAudience(issuer),
          token_endpoint: `${issuer}oauth/token`,
        },
        null,
        2,
      ),
    );
    return 0;
  } finally {
    await auth.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
