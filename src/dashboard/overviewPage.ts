/**
 * The home page: counts, and the last day's sign-ins, consents, token exchanges, failures and blocks as
 * an SVG chart, with the same numbers hour by hour in a table (the chart's text alternative).
 */
import express, { type Router } from 'express';
import { apiMessage, caller, ok } from './forms.js';
import { readLogs } from './logsPages.js';
import type { InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

const HOUR = 3600000;

/** Each line has its own dash pattern as well as its colour, so that colour is not all that tells them apart. */
export const SERIES = [
  { key: 'signIns', label: 'Sign-ins', types: ['s'], color: '#2f6fdb', dash: '' },
  { key: 'consents', label: 'Consents', types: ['consent_given'], color: '#be185d', dash: '7 4' },
  { key: 'exchanges', label: 'Tokens issued', types: ['seacft', 'seccft', 'sepft', 'sertft'], color: '#1a8a5a', dash: '2 3' },
  { key: 'failures', label: 'Failures', types: ['f', 'fp', 'fu', 'feacft', 'feccft', 'fepft', 'fertft'], color: '#c2410c', dash: '10 3 2 3' },
  { key: 'blocks', label: 'Blocks', types: ['limit_wc'], color: '#7c3aed', dash: '1 5' },
] as const;

export interface Chart {
  width: number;
  height: number;
  max: number;
  lines: { key: string; label: string; color: string; dash: string; points: string; total: number }[];
  hours: { x: number; label: string }[];
  /** The same counts as a table: one row an hour, oldest first, one count per series. */
  rows: { label: string; counts: number[] }[];
}

/** 24 hourly buckets ending now, one polyline per series. */
export function buildChart(events: Json[], now: number): Chart {
  const width = 720;
  const height = 200;
  const start = now - 24 * HOUR;
  const counts = SERIES.map(() => new Array<number>(24).fill(0));
  for (const e of events) {
    const at = Date.parse(String(e.date));
    if (at < start || at > now) continue;
    const bucket = Math.min(23, Math.floor((at - start) / HOUR));
    SERIES.forEach((s, i) => {
      if ((s.types as readonly string[]).includes(String(e.type))) (counts[i] as number[])[bucket] = ((counts[i] as number[])[bucket] ?? 0) + 1;
    });
  }
  const max = Math.max(4, ...counts.flat());
  const x = (i: number) => Math.round((i / 23) * (width - 40)) + 30;
  const time = (at: number) => new Date(at).toISOString().slice(11, 16);
  const y = (v: number) => Math.round(height - 20 - (v / max) * (height - 40));
  return {
    width,
    height,
    max,
    lines: SERIES.map((s, i) => ({
      key: s.key,
      label: s.label,
      color: s.color,
      dash: s.dash,
      total: (counts[i] as number[]).reduce((a, b) => a + b, 0),
      points: (counts[i] as number[]).map((v, h) => `${x(h)},${y(v)}`).join(' '),
    })),
    hours: [0, 6, 12, 18, 23].map((h) => ({ x: x(h), label: time(start + (h + 1) * HOUR) })),
    rows: Array.from({ length: 24 }, (_, h) => ({ label: `${time(start + h * HOUR)}–${time(start + (h + 1) * HOUR)}`, counts: counts.map((c) => c[h] ?? 0) })),
  };
}

export function overviewPage(server: InProcessServer, page: DashboardPage): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const who = caller(res);
    const total = async (path: string) => {
      const answer = await server.api<{ total?: number }>(who, 'GET', `${path}?per_page=1&include_totals=true`);
      return ok(answer) ? (answer.body.total ?? 0) : apiMessage(answer);
    };
    const [applications, apis, users] = await Promise.all([total('/clients'), total('/resource-servers'), total('/users')]);
    const now = Date.now();
    // The last 24 hours exactly, filtered by the API; at most 5,000 events are drawn.
    const since = new Date(now - 24 * HOUR).toISOString();
    const scan = await readLogs(server, who, { type: '', user: '', app: '', from: since, to: '', text: '' }, 5000, 50, null);
    await page.render(req, res, 'overview', 'overview', 'Overview', {
      counts: { applications, apis, users },
      chart: buildChart(scan.events, now),
      recent: scan.events.slice(0, 8),
      error: scan.error,
    });
  });
  return router;
}
