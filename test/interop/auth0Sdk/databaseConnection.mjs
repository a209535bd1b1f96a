// The database connection's account calls of Auth0's SDKs, unmodified: auth0/legacy's
// AuthenticationClient (database.signUp, database.changePassword) and auth0@7's ManagementClient
// (jobs.verificationEmail.create). Inputs (SDK_INPUT): domain, clientId, clientSecret, managementClientId,
// managementClientSecret, email, password, existingEmail, connection.
import { ManagementClient } from 'auth0';
import { AuthenticationClient } from 'auth0/legacy';
import { done, input, need, step } from './steps.mjs';

const { domain, clientId, clientSecret, managementClientId, managementClientSecret, email, password, existingEmail, connection } = input();
const auth = new AuthenticationClient({ domain, clientId, clientSecret });
const management = new ManagementClient({ domain, clientId: managementClientId, clientSecret: managementClientSecret });

const created = await step('database.signUp', async () => (await auth.database.signUp({ email, password, connection, user_metadata: { plan: 'trial' } })).data);
await step('database.signUp (existing email)', async () => (await auth.database.signUp({ email: existingEmail, password, connection })).data);
await step('database.signUp (common password)', async () => (await auth.database.signUp({ email: `x-${email}`, password: 'password123', connection })).data);
await step('database.changePassword', async () => (await auth.database.changePassword({ email, connection })).data);
await step('jobs.verificationEmail.create', async () => {
  const id = need(created?._id, 'database.signUp');
  return await management.jobs.verificationEmail.create({ user_id: `auth0|${id}` });
});

done();
