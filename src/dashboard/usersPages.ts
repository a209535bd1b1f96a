/** Users: search (the Management API's q syntax), create, and one user's page: block, password, grants, logs, role. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { requestInfo } from '../services/auditLog.js';
import { Administrators } from './administrators.js';
import { apiMessage, caller, checked, field, ok, param, query } from './forms.js';
import type { InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

const DATABASE_CONNECTION = 'Username-Password-Authentication';

export function usersPages(ctx: AuthContext, server: InProcessServer, page: DashboardPage): Router {
  const router = express.Router();
  const administrators = new Administrators(ctx.db);

  router.get('/users', async (req, res) => {
    const q = query(req, 'q');
    const params = new URLSearchParams({ per_page: '50', include_totals: 'true', search_engine: 'v3', sort: 'created_at:-1' });
    if (q) params.set('q', q);
    const answer = await server.api<{ users: Json[]; total: number }>(caller(res), 'GET', `/users?${params.toString()}`);
    const admins = new Set(await administrators.list());
    await page.render(req, res, 'users', 'users', 'Users', {
      q,
      users: ok(answer) ? answer.body.users.map((u) => ({ ...u, is_admin: admins.has(String(u.user_id)) })) : [],
      total: ok(answer) ? answer.body.total : 0,
      error: ok(answer) ? null : apiMessage(answer),
    }, ok(answer) ? 200 : 400);
  });

  router.get('/users/new', async (req, res) => {
    await page.render(req, res, 'user_new', 'users', 'Create user', { values: { email: '', name: '', email_verified: false } });
  });

  router.post('/users', async (req, res) => {
    const values = { email: field(req, 'email'), name: field(req, 'name'), email_verified: checked(req, 'email_verified') };
    const body: Json = { connection: DATABASE_CONNECTION, email: values.email, password: field(req, 'password'), email_verified: values.email_verified };
    if (values.name) body.name = values.name;
    const answer = await server.api(caller(res), 'POST', '/users', body);
    if (!ok(answer)) return page.render(req, res, 'user_new', 'users', 'Create user', { values, error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/users/${encodeURIComponent(String(answer.body.user_id))}?notice=created`);
  });

  async function show(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const who = caller(res);
    const found = await server.api(who, 'GET', `/users/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    const userId = String(found.body.user_id);
    const [grants, logs, clients] = await Promise.all([
      server.api<Json[]>(who, 'GET', `/grants?user_id=${encodeURIComponent(userId)}&per_page=100`),
      server.api<Json[]>(who, 'GET', `/users/${encodeURIComponent(userId)}/logs?per_page=10&sort=date:-1`),
      server.api<Json[]>(who, 'GET', '/clients?per_page=100&fields=client_id,name'),
    ]);
    const names = new Map((ok(clients) ? clients.body : []).map((c) => [String(c.client_id), String(c.name)]));
    await page.render(req, res, 'user', 'users', String(found.body.email), {
      user: found.body,
      isAdmin: await administrators.holds(userId),
      isSelf: req.session.dashboard?.admin?.sub === userId,
      grants: (ok(grants) ? grants.body : []).map((g) => ({ ...g, client_name: names.get(String(g.clientID)) ?? String(g.clientID) })),
      logs: ok(logs) ? logs.body : [],
      ...extra,
    }, status);
  }

  router.get('/users/:id', (req, res) => show(req, res));

  const patch = (notice: string, body: (req: Request) => Json) => async (req: Request, res: Response) => {
    const answer = await server.api(caller(res), 'PATCH', `/users/${param(req, 'id')}`, body(req));
    if (!ok(answer)) return show(req, res, { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/users/${param(req, 'id')}?notice=${notice}`);
  };
  // Locking yourself out is refused here; another administrator can still do it.
  const notSelf = (req: Request, res: Response, next: () => void) => {
    if (decodeURIComponent(param(req, 'id')) !== req.session.dashboard?.admin?.sub) return next();
    void show(req, res, { error: 'You cannot block or delete yourself: ask another administrator.' }, 400);
  };
  router.post('/users/:id/block', notSelf, patch('blocked', () => ({ blocked: true })));
  router.post('/users/:id/unblock', patch('unblocked', () => ({ blocked: false })));
  router.post('/users/:id/password', patch('passwordSet', (req) => ({ password: field(req, 'password'), connection: DATABASE_CONNECTION })));

  // The accounts feature's own reset email (POST /dbconnections/change_password), as the user would ask for it.
  router.post('/users/:id/reset', async (req, res) => {
    const found = await server.api(caller(res), 'GET', `/users/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    const identities = found.body.identities as { connection?: string }[] | undefined;
    const answer = await server.request<{ description?: string }>('POST', '/dbconnections/change_password', {
      from: req,
      json: { email: found.body.email, connection: identities?.[0]?.connection ?? DATABASE_CONNECTION },
    });
    if (!ok(answer)) return show(req, res, { error: answer.body.description ?? apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/users/${param(req, 'id')}?notice=resetSent`);
  });

  router.post('/users/:id/grants/:grantId/revoke', async (req, res) => {
    const answer = await server.api(caller(res), 'DELETE', `/grants/${param(req, 'grantId')}`);
    if (!ok(answer)) return show(req, res, { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/users/${param(req, 'id')}?notice=revoked`);
  });

  router.post('/users/:id/delete', notSelf, async (req, res) => {
    const found = await server.api(caller(res), 'GET', `/users/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    if (field(req, 'confirm_email') !== found.body.email) return show(req, res, { error: `Type the user's email, ${String(found.body.email)}, exactly to delete them.` }, 400);
    const answer = await server.api(caller(res), 'DELETE', `/users/${param(req, 'id')}`);
    if (!ok(answer)) return show(req, res, { error: apiMessage(answer) }, 400);
    await administrators.revoke(String(found.body.user_id));
    res.redirect(303, `${req.baseUrl}/users?notice=deleted`);
  });

  // The role is the dashboard's own (the Management API has no roles): changed here, recorded as an API action would be.
  router.post('/users/:id/admin', async (req, res) => {
    const found = await server.api(caller(res), 'GET', `/users/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    const userId = String(found.body.user_id);
    const actor = req.session.dashboard?.admin?.sub ?? null;
    const grant = field(req, 'role') === 'grant';
    if (!grant && userId === actor) return show(req, res, { error: 'You cannot remove your own administrator role: ask another administrator.' }, 400);
    if (grant) await administrators.grant(userId, actor);
    else await administrators.revoke(userId);
    void ctx.audit.record('sapi', { userId: actor, description: `${grant ? 'Granted' : 'Revoked'} the administrator role of ${userId} (dashboard)`, details: { target_user_id: userId } }, requestInfo(req));
    res.redirect(303, `${req.baseUrl}/users/${param(req, 'id')}?notice=${grant ? 'adminGranted' : 'adminRevoked'}`);
  });
  return router;
}
