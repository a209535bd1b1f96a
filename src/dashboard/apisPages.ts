/** APIs (resource servers): list, create, and one API's settings with its scopes editor. */
import express, { type Request, type Response, type Router } from 'express';
import { apiMessage, caller, checked, field, fields, ok, param } from './forms.js';
import type { InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

/** The editor's rows: value and description side by side; rows left blank are dropped. */
function scopesFrom(req: Request): { value: string; description: string }[] {
  const values = fields(req, 'scope_value');
  const descriptions = fields(req, 'scope_description');
  return values.map((value, i) => ({ value: value.trim(), description: (descriptions[i] ?? '').trim() })).filter((s) => s.value !== '' || s.description !== '');
}

function settingsFrom(req: Request): Json {
  return {
    name: field(req, 'name'),
    token_lifetime: Number(field(req, 'token_lifetime')),
    allow_offline_access: checked(req, 'allow_offline_access'),
    skip_consent_for_verifiable_first_party_clients: checked(req, 'skip_consent'),
    scopes: scopesFrom(req),
    subject_type_authorization: { user: { policy: field(req, 'user_policy') }, client: { policy: field(req, 'client_policy') } },
  };
}

export function apisPages(server: InProcessServer, page: DashboardPage): Router {
  const router = express.Router();

  router.get('/apis', async (req, res) => {
    const answer = await server.api<Json[]>(caller(res), 'GET', '/resource-servers?per_page=100');
    await page.render(req, res, 'apis', 'apis', 'APIs', { apis: ok(answer) ? answer.body : [], error: ok(answer) ? null : apiMessage(answer) });
  });

  router.get('/apis/new', async (req, res) => {
    await page.render(req, res, 'api_new', 'apis', 'Create API', { values: { name: '', identifier: '', token_lifetime: 86400 } });
  });

  router.post('/apis', async (req, res) => {
    const values = { name: field(req, 'name'), identifier: field(req, 'identifier'), token_lifetime: Number(field(req, 'token_lifetime')) };
    const answer = await server.api(caller(res), 'POST', '/resource-servers', { ...values, signing_alg: 'RS256' });
    if (!ok(answer)) return page.render(req, res, 'api_new', 'apis', 'Create API', { values, error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/apis/${encodeURIComponent(String(answer.body.id))}?notice=created`);
  });

  async function show(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const found = await server.api(caller(res), 'GET', `/resource-servers/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    await page.render(req, res, 'api', 'apis', String(found.body.name), { api: { ...found.body, ...(extra.submitted as Json | undefined) }, ...extra }, status);
  }

  router.get('/apis/:id', (req, res) => show(req, res));

  router.post('/apis/:id', async (req, res) => {
    const body = settingsFrom(req);
    const answer = await server.api(caller(res), 'PATCH', `/resource-servers/${param(req, 'id')}`, body);
    if (!ok(answer)) return show(req, res, { error: apiMessage(answer), submitted: body }, 400);
    res.redirect(303, `${req.baseUrl}/apis/${param(req, 'id')}?notice=saved`);
  });

  router.post('/apis/:id/delete', async (req, res) => {
    const found = await server.api(caller(res), 'GET', `/resource-servers/${param(req, 'id')}`);
    if (!ok(found)) return page.message(res, 404, 'notFound');
    if (field(req, 'confirm_name') !== found.body.name) return show(req, res, { error: `Type the API's name, ${String(found.body.name)}, exactly to delete it.` }, 400);
    const answer = await server.api(caller(res), 'DELETE', `/resource-servers/${param(req, 'id')}`);
    if (!ok(answer)) return show(req, res, { error: apiMessage(answer) }, 400);
    res.redirect(303, `${req.baseUrl}/apis?notice=deleted`);
  });
  return router;
}
