// auth0's ManagementClient (v7 API) exactly as its README configures it: domain, clientId and clientSecret.
// It fetches its own token (client_credentials for https://{domain}/api/v2/) before the first call.
// Inputs (SDK_INPUT): domain, clientId, clientSecret, userId (a user who holds a grant), userEmail (hers).
import { ManagementClient } from 'auth0';
import { done, input, need, step } from './steps.mjs';

const { domain, clientId, clientSecret, userId, userEmail } = input();
const management = new ManagementClient({ domain, clientId, clientSecret });
const suffix = Date.now().toString(36);
const ids = (page, key) => page.data.map((item) => item[key]);

const client = await step('clients.create', () =>
  management.clients.create({
    name: 'Made by the auth0 SDK',
    app_type: 'regular_web',
    callbacks: ['https://sdk-app.example/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  }),
);
await step('clients.list', async () => {
  const page = await management.clients.list();
  return { ids: ids(page, 'client_id'), total: page.response.total ?? null };
});
await step('clients.get', () => management.clients.get(need(client, 'clients.create').client_id));
await step('clients.update', () => management.clients.update(need(client, 'clients.create').client_id, { name: 'Renamed by the auth0 SDK' }));

const api = await step('resourceServers.create', () =>
  management.resourceServers.create({
    identifier: `https://sdk-api-${suffix}.example/`,
    name: 'API made by the auth0 SDK',
    scopes: [{ value: 'read:things', description: 'Read things' }],
    allow_offline_access: true,
  }),
);
await step('resourceServers.list', async () => ({ identifiers: ids(await management.resourceServers.list(), 'identifier') }));

const clientGrant = await step('clientGrants.create', () =>
  management.clientGrants.create({
    client_id: need(client, 'clients.create').client_id,
    audience: need(api, 'resourceServers.create').identifier,
    scope: ['read:things'],
  }),
);
await step('clientGrants.list', async () => ({ ids: ids(await management.clientGrants.list(), 'id'), wanted: clientGrant?.id ?? null }));

const email = `sdk-user-${suffix}@example.com`;
const user = await step('users.create', () =>
  management.users.create({ connection: 'Username-Password-Authentication', email, password: 'a long enough password 42', name: 'SDK User', email_verified: true }),
);
await step('users.get', () => management.users.get(need(user, 'users.create').user_id));
await step('users.update', () => management.users.update(need(user, 'users.create').user_id, { name: 'SDK User, renamed' }));
await step('users.list', async () => ({ ids: ids(await management.users.list(), 'user_id') }));

await step('userGrants.list', async () => ({ grants: (await management.userGrants.list({ user_id: userId })).data }));
await step('logs.list', async () => ({ logs: (await management.logs.list()).data.slice(0, 20) }));

// ---- Issue 13: the calls the SDK could not make before, each as the SDK's typed method takes it. ----
/** A call expected to be refused: the SDK's ManagementError, as its caller sees it. */
const refusal = (promise) =>
  promise.then(
    (value) => ({ statusCode: 200, value }),
    (error) => ({ statusCode: error.statusCode ?? null, body: error.body ?? null }),
  );

await step('clientGrants.get', () => management.clientGrants.get(need(clientGrant, 'clientGrants.create').id));
await step('users.listUsersByEmail', () => management.users.listUsersByEmail({ email: userEmail.toUpperCase() }));
await step('users.list q', async () => ({ ids: ids(await management.users.list({ q: `email:"${email}"`, search_engine: 'v3' }), 'user_id') }));
await step('users.list q unsupported', () => refusal(management.users.list({ q: 'given_name:SDK', search_engine: 'v3' })));
await step('users.list fields', async () => ({ users: (await management.users.list({ fields: 'user_id,email', include_fields: true })).data }));

const metaUser = await step('users.create metadata', () =>
  management.users.create({
    connection: 'Username-Password-Authentication',
    email: `sdk-meta-${suffix}@example.com`,
    password: 'a long enough password 42',
    user_metadata: { hobby: 'surfing', address: { city: 'Lyon' } },
    app_metadata: { plan: 'full' },
  }),
);
await step('users.update metadata', () =>
  management.users.update(need(metaUser, 'users.create metadata').user_id, { user_metadata: { color: 'blue', hobby: null, address: { zip: '69001' } }, app_metadata: { roles: ['admin'] } }),
);
await step('users.get fields', () => management.users.get(need(metaUser, 'users.create metadata').user_id, { fields: 'user_metadata,app_metadata', include_fields: true }));

await step('logs.list search', async () => ({ logs: (await management.logs.list({ search: `client_id:"${clientId}"` })).data.slice(0, 5) }));
// ListLogsRequestParameters types `search` only: Auth0's documented `q`, `from` and `take` go as the SDK's extra queryParams.
await step('logs.list q', async () => ({ logs: (await management.logs.list({}, { queryParams: { q: 'type:"seccft"' } })).data.slice(0, 5) }));
// The search syntax's date ranges and free text, as a script would send them through the typed `search`.
await step('logs.list date and text', async () => {
  const since = new Date(Date.now() - 3600_000).toISOString();
  const page = await management.logs.list({ search: `date:[${since} TO *] AND "client credentials"`, include_totals: true });
  return { logs: page.data.slice(0, 5), total: page.response.total ?? null };
});
await step('logs.list refused query', () => refusal(management.logs.list({ search: 'type:s OR type:f' })));
await step('logs.list checkpoints', async () => {
  // Auth0 answers a checkpoint request with a bare array (which the SDK's Page keeps as `response`).
  const first = (await management.logs.list({}, { queryParams: { from: '', take: 2 } })).response;
  const last = first[first.length - 1];
  const second = last ? (await management.logs.list({}, { queryParams: { from: last.log_id, take: 2 } })).response : [];
  return { first: first.map((l) => l.log_id), second: second.map((l) => l.log_id) };
});

await step('clients.get fields', () => management.clients.get(need(client, 'clients.create').client_id, { fields: 'client_id,name', include_fields: true }));
await step('clients.list fields', async () => ({ clients: (await management.clients.list({ fields: 'callbacks,client_secret', include_fields: false })).data }));
await step('clients round trip', async () => {
  // What GET returns is sent back whole: POST it as a new client, PATCH it onto the old one.
  const got = await management.clients.get(need(client, 'clients.create').client_id);
  const copy = await management.clients.create({ ...got, name: 'Copied by the auth0 SDK' });
  const patched = await management.clients.update(got.client_id, { ...got, description: 'patched with its own GET' });
  await management.clients.delete(copy.client_id);
  return { got, copy, patched };
});
await step('clients.rotateSecret', async () => {
  const before = await management.clients.get(need(client, 'clients.create').client_id);
  const rotated = await management.clients.rotateSecret(client.client_id);
  return { before: before.client_secret, after: rotated.client_secret };
});

await step('userBlocks.list', () => management.userBlocks.list(userId));
await step('userBlocks.delete', async () => ({ deleted: (await management.userBlocks.delete(userId)) ?? null }));

// Auth0's 2026 model for third-party applications, with the SDK's typed fields.
const strictClient = await step('clients.create strict', () =>
  management.clients.create({
    name: 'Strict partner via the SDK',
    app_type: 'regular_web',
    is_first_party: false,
    third_party_security_mode: 'strict',
    redirection_policy: 'open_redirect_protection',
    callbacks: ['https://partner.example/cb'],
  }),
);
await step('clients.update strict mode', () => refusal(management.clients.update(need(strictClient, 'clients.create strict').client_id, { third_party_security_mode: 'permissive' })));
const policyApi = await step('resourceServers.create policy', () =>
  management.resourceServers.create({
    identifier: `https://sdk-policy-${suffix}.example/`,
    name: 'Gated API made by the auth0 SDK',
    scopes: [{ value: 'read:things', description: 'Read things' }],
    subject_type_authorization: { user: { policy: 'require_client_grant' }, client: { policy: 'deny_all' } },
  }),
);
await step('resourceServers.get policy', () => management.resourceServers.get(need(policyApi, 'resourceServers.create policy').id));
await step('clientGrants.create user', () =>
  management.clientGrants.create({
    client_id: need(strictClient, 'clients.create strict').client_id,
    audience: need(policyApi, 'resourceServers.create policy').identifier,
    scope: ['read:things'],
    subject_type: 'user',
  }),
);
await step('clientGrants.create default_for', () =>
  management.clientGrants.create({ default_for: 'third_party_clients', audience: need(policyApi, 'resourceServers.create policy').identifier, scope: ['read:things'], subject_type: 'user' }),
);
await step('clientGrants.list default_for', async () => ({ grants: (await management.clientGrants.list({ default_for: 'third_party_clients' })).data }));

await step('clientGrants.list checkpoints', async () => {
  // Three per-client grants by now (the SDK's own, this one's, the strict partner's). take=2, then the SDK's own next page: `from` = the previous answer's `next`.
  let page = await management.clientGrants.list({ take: 2 });
  const pages = [page.data.map((g) => g.id)];
  while (page.hasNextPage() && pages.length < 50) {
    page = await page.getNextPage();
    pages.push(page.data.map((g) => g.id));
  }
  return { pages };
});

await step('clients.delete', async () => {
  await management.clients.delete(need(client, 'clients.create').client_id);
  // Deleted means gone: the SDK must now see Auth0's 404 as a ManagementError.
  const after = await management.clients.get(client.client_id).then(
    () => ({ statusCode: 200 }),
    (error) => ({ statusCode: error.statusCode ?? null, name: error.name }),
  );
  return { afterDelete: after };
});

done();
