/** Applications: the list, the type picker, and one application's tabs (Auth0's client view). */
import express, { type Request, type Response, type Router } from 'express';
import { APP_TYPES } from '../domain/clients.js';
import { apiMessage, caller, checked, field, fields, lines, ok, param } from './forms.js';
import type { InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

export const APPLICATION_TABS = ['quickstart', 'settings', 'credentials', 'connections', 'apis', 'danger'] as const;
type Tab = (typeof APPLICATION_TABS)[number];

interface ClientGrantJson {
  id: string;
  audience: string;
  scope: string[];
}
interface ApiJson {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: { value: string; description: string }[];
}

export function applicationsPages(server: InProcessServer, page: DashboardPage): Router {
  const router = express.Router();
  const titleOf = 'Applications';

  router.get('/applications', async (req, res) => {
    const answer = await server.api<Json[]>(caller(res), 'GET', '/clients?per_page=100');
    await page.render(req, res, 'applications', 'applications', titleOf, { clients: ok(answer) ? answer.body : [], error: ok(answer) ? null : apiMessage(answer) });
  });

  router.get('/applications/new', async (req, res) => {
    await page.render(req, res, 'application_new', 'applications', 'Create application', { values: { name: '', app_type: 'regular_web', third_party: false } });
  });

  router.post('/applications', async (req, res) => {
    const values = { name: field(req, 'name'), app_type: field(req, 'app_type'), third_party: checked(req, 'third_party') };
    const answer = await server.api(caller(res), 'POST', '/clients', { name: values.name, app_type: values.app_type, is_first_party: !values.third_party });
    if (!ok(answer)) return page.render(req, res, 'application_new', 'applications', 'Create application', { values, error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${encodeURIComponent(String(answer.body.client_id))}/quickstart?notice=created`);
  });

  async function showTab(req: Request, res: Response, tab: Tab, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const who = caller(res);
    const found = await server.api(who, 'GET', `/clients/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    const client = found.body;
    const data: Record<string, unknown> = { client, tab, tabs: APPLICATION_TABS, ...extra };
    if (tab === 'connections') {
      const connections = await server.api<Json[]>(who, 'GET', '/connections?per_page=100');
      const list = ok(connections) ? connections.body : [];
      data.connections = await Promise.all(
        list.map(async (c) => {
          const enabled = await server.api<{ clients: { client_id: string }[] }>(who, 'GET', `/connections/${encodeURIComponent(String(c.id))}/clients`);
          return { ...c, enabled: ok(enabled) && enabled.body.clients.some((e) => e.client_id === client.client_id) };
        }),
      );
    }
    if (tab === 'apis') {
      const grants = await server.api<ClientGrantJson[]>(who, 'GET', `/client-grants?client_id=${encodeURIComponent(String(client.client_id))}&per_page=100`);
      const apis = await server.api<ApiJson[]>(who, 'GET', '/resource-servers?per_page=100');
      data.grants = ok(grants) ? grants.body : [];
      data.apis = ok(apis) ? apis.body : [];
    }
    await page.render(req, res, 'application', 'applications', String(client.name), data, status);
  }

  router.get('/applications/:id', (req, res) => res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/quickstart`));
  router.get('/applications/:id/:tab', async (req, res) => {
    const tab = APPLICATION_TABS.find((t) => t === req.params.tab);
    if (!tab) return page.message(res, 404, 'notFound');
    await showTab(req, res, tab);
  });

  router.post('/applications/:id/settings', async (req, res) => {
    const lifetime = Number(field(req, 'jwt_lifetime'));
    const body: Json = {
      name: field(req, 'name'),
      description: field(req, 'description'),
      callbacks: lines(req, 'callbacks'),
      allowed_logout_urls: lines(req, 'allowed_logout_urls'),
      web_origins: lines(req, 'web_origins'),
      allowed_origins: lines(req, 'allowed_origins'),
      grant_types: fields(req, 'grant_types'),
      token_endpoint_auth_method: field(req, 'token_endpoint_auth_method'),
      jwt_configuration: { alg: field(req, 'jwt_alg'), lifetime_in_seconds: Number.isFinite(lifetime) ? lifetime : 0 },
    };
    if (field(req, 'logo_uri')) body.logo_uri = field(req, 'logo_uri');
    if (field(req, 'initiate_login_uri')) body.initiate_login_uri = field(req, 'initiate_login_uri');
    if (APP_TYPES.some((t) => t === field(req, 'app_type'))) body.app_type = field(req, 'app_type');
    const answer = await server.api(caller(res), 'PATCH', `/clients/${param(req, 'id')}`, body);
    if (!ok(answer)) return showTab(req, res, 'settings', { error: apiMessage(answer), submitted: body }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/settings?notice=saved`);
  });

  router.post('/applications/:id/rotate', async (req, res) => {
    const answer = await server.api(caller(res), 'POST', `/clients/${param(req, 'id')}/rotate-secret`);
    if (!ok(answer)) return showTab(req, res, 'credentials', { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/credentials?notice=rotated`);
  });

  router.post('/applications/:id/connections', async (req, res) => {
    const status = field(req, 'enable') === 'true';
    const answer = await server.api(caller(res), 'PATCH', `/connections/${encodeURIComponent(field(req, 'connection_id'))}/clients`, [{ client_id: String(req.params.id), status }]);
    if (!ok(answer)) return showTab(req, res, 'connections', { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/connections?notice=saved`);
  });

  router.post('/applications/:id/apis', async (req, res) => {
    const grantId = field(req, 'grant_id');
    const scope = fields(req, 'scope');
    const answer = grantId
      ? await server.api(caller(res), 'PATCH', `/client-grants/${encodeURIComponent(grantId)}`, { scope })
      : await server.api(caller(res), 'POST', '/client-grants', { client_id: String(req.params.id), audience: field(req, 'audience'), scope });
    if (!ok(answer)) return showTab(req, res, 'apis', { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/apis?notice=saved`);
  });

  router.post('/applications/:id/apis/:grantId/delete', async (req, res) => {
    const answer = await server.api(caller(res), 'DELETE', `/client-grants/${param(req, 'grantId')}`);
    if (!ok(answer)) return showTab(req, res, 'apis', { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications/${param(req, 'id')}/apis?notice=deleted`);
  });

  router.post('/applications/:id/delete', async (req, res) => {
    const found = await server.api(caller(res), 'GET', `/clients/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    if (field(req, 'confirm_name') !== found.body.name) {
      return showTab(req, res, 'danger', { error: `Type the application's name, ${String(found.body.name)}, exactly to delete it.` }, 400);
    }
    const answer = await server.api(caller(res), 'DELETE', `/clients/${param(req, 'id')}`);
    if (!ok(answer)) return showTab(req, res, 'danger', { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/applications?notice=deleted`);
  });
  return router;
}
