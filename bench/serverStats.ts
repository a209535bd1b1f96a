/**
 * Mounted first in both benchmark servers: each request's time in the server (until the response is
 * handed to the OS), by path, and the process's CPU time (main thread and libuv pool, so signing
 * counts). The load generator resets it after its warm-up (DELETE /bench-stats) and reads it at the
 * end (GET /bench-stats): the server's share of a flow, apart from the load generator's.
 */
import type { Express } from 'express';
import type { ServerStats, ServerTimes } from './common.js';

function summary(list: number[]): ServerTimes {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(50), p99: at(99) };
}

export function mountServerStats(app: Express): void {
  let durations = new Map<string, number[]>();
  let cpuSince = process.cpuUsage();
  app.use((req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const list = durations.get(req.path) ?? [];
      list.push(performance.now() - started);
      durations.set(req.path, list);
    });
    next();
  });
  app.delete('/bench-stats', (_req, res) => {
    durations = new Map();
    cpuSince = process.cpuUsage();
    res.status(204).end();
  });
  app.get('/bench-stats', (_req, res) => {
    const cpu = process.cpuUsage(cpuSince);
    const stats: ServerStats = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      paths: Object.fromEntries([...durations].map(([path, list]) => [path, summary(list)])),
    };
    res.json(stats);
  });
}
