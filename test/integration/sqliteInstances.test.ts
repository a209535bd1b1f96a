/**
 * Issue 18: several processes on one SQLite file stall each other (SQLite's busy handler sleeps on the
 * event loop), so a server that finds another live instance on its file logs a warning.
 */
import { pino, type Logger } from 'pino';
import { createAuthServer, type AuthServer } from '../../src/index.js';
import { SqliteInstances } from '../../src/store/sqliteInstances.js';
import { testDatabase, TEST_PASSWORD_COST, usingPostgres } from '../helpers/testServer.js';

const sqliteOnly = usingPostgres() ? test.skip : test;

function capturingLogger(): { logger: Logger; warnings: () => string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const warnings = () => lines.map((line) => JSON.parse(line) as { event?: string; msg: string }).filter((l) => l.event === 'sqlite_several_processes').map((l) => l.msg);
  return { logger, warnings };
}

sqliteOnly('a second server on the same SQLite file warns, naming the first; one alone, or after the other closed, does not', async () => {
  const db = await testDatabase();
  const servers: AuthServer[] = [];
  const start = async (logger: Logger) => {
    const server = await createAuthServer({ issuer: 'http://127.0.0.1:1/', database: db.config, passwordHashCost: TEST_PASSWORD_COST, sweepIntervalMs: 0, logger });
    servers.push(server);
    return server;
  };
  try {
    const first = capturingLogger();
    const a = await start(first.logger);
    expect(first.warnings()).toEqual([]);
    const second = capturingLogger();
    const b = await start(second.logger);
    expect(second.warnings()).toHaveLength(1);
    expect(second.warnings()[0]).toContain(`pid ${process.pid}`);
    expect(second.warnings()[0]).toMatch(/one process per SQLite file, or use PostgreSQL/);
    expect(await a.context.db('server_instances').count({ n: '*' }).first()).toMatchObject({ n: 2 });

    await a.close();
    servers.splice(servers.indexOf(a), 1);
    expect(await b.context.db('server_instances').count({ n: '*' }).first()).toMatchObject({ n: 1 });
    await b.close();
    servers.splice(servers.indexOf(b), 1);
    const third = capturingLogger();
    await start(third.logger);
    expect(third.warnings()).toEqual([]);
  } finally {
    for (const server of servers) await server.close();
    await db.cleanup();
  }
});

sqliteOnly('the heartbeat warns the first instance too, once per other instance, and ignores a process that stopped beating', async () => {
  const db = await testDatabase();
  const server = await createAuthServer({ issuer: 'http://127.0.0.1:1/', database: db.config, passwordHashCost: TEST_PASSWORD_COST, sweepIntervalMs: 0, logger: pino({ level: 'silent' }) });
  const knex = server.context.db;
  const seen: number[][] = [];
  const first = new SqliteInstances(knex, (others) => seen.push(others.map((o) => o.pid)), 1000);
  const second = new SqliteInstances(knex, () => undefined, 1000);
  try {
    await knex('server_instances').delete();
    await first.start();
    expect(seen).toEqual([]);
    await second.start();
    await first.check();
    expect(seen).toEqual([[process.pid]]);
    await first.check();
    expect(seen).toHaveLength(1);
    // A crashed process leaves its row; three missed heartbeats later it no longer counts.
    await knex('server_instances').insert({ id: 'crashed', pid: 999999, host: 'elsewhere', started_at: 1, seen_at: Date.now() - 5000 });
    await first.check();
    expect(seen).toHaveLength(1);
    expect(await knex('server_instances').where({ id: 'crashed' })).toHaveLength(0);
  } finally {
    await first.stop();
    await second.stop();
    await server.close();
    await db.cleanup();
  }
});
