/**
 * Scenario E's data: adds BENCH_SCALE_USERS users and BENCH_SCALE_GRANTS user grants (spread over ten
 * extra applications) to the SQLite file BENCH_DB, which the server has already migrated and seeded.
 */
import Database from 'better-sqlite3';

const file = process.env.BENCH_DB ?? '';
const users = Number(process.env.BENCH_SCALE_USERS ?? 100_000);
const grants = Number(process.env.BENCH_SCALE_GRANTS ?? 1_000_000);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');

const now = Date.now();
const connection = db.prepare("select id from connections where name = 'Username-Password-Authentication'").get() as { id: string };
const clientsPerUser = Math.ceil(grants / users);
const clientIds = Array.from({ length: clientsPerUser }, (_, i) => `scale-client-${i}`);

const insertClient = db.prepare(
  `insert into clients (client_id, client_secret, name, app_type, token_endpoint_auth_method, is_first_party, callbacks, grant_types, created_at, updated_at)
   values (?, 'scale-secret-scale-secret-scale-secret', ?, 'regular_web', 'client_secret_post', 0, '["https://scale.test/cb"]', '["authorization_code"]', ?, ?)`,
);
const insertUser = db.prepare(
  `insert into users (id, connection_id, email, email_verified, password_hash, name, created_at, updated_at) values (?, ?, ?, 1, 'scrypt$1$8$1$x$x', ?, ?, ?)`,
);
const insertGrant = db.prepare(
  `insert into user_grants (id, user_id, client_id, audience, scope, created_at, updated_at) values (?, ?, ?, 'https://api.bench.test/', 'openid read:posts', ?, ?)`,
);

const started = Date.now();
db.transaction(() => {
  for (const id of clientIds) insertClient.run(id, id, now, now);
})();
const batch = 10_000;
let grantCount = 0;
for (let start = 0; start < users; start += batch) {
  db.transaction(() => {
    for (let i = start; i < Math.min(users, start + batch); i++) {
      const id = `scale${i.toString(36).padStart(8, '0')}`;
      insertUser.run(id, connection.id, `scale${i}@bench.test`, `Scale ${i}`, now, now);
      for (const clientId of clientIds) {
        if (grantCount >= grants) break;
        insertGrant.run(`sg_${grantCount}`, `auth0|${id}`, clientId, now, now);
        grantCount += 1;
      }
    }
  })();
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
process.stdout.write(`SEEDED ${JSON.stringify({ users, grants: grantCount, seconds: (Date.now() - started) / 1000 })}\n`);
