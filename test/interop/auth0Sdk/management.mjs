// auth0's ManagementClient (v7 API) exactly as its README configures it: domain, clientId and clientSecret.
// It fetches its own token (client_credentials for https://{domain}/api/v2/) before the first call.
// Inputs (SDK_INPUT): domain, clientId, clientSecret, userId (a user who holds a grant).
import { ManagementClient } from 'auth0';
import { done, input, need, step } from './steps.mjs';

const { domain, clientId, clientSecret, userId } = input();
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
