/**
 * Auth0's SDKs against the database connection's account endpoints: auth0/legacy's
 * AuthenticationClient `database.signUp` and `database.changePassword`, and auth0@7's ManagementClient
 * `jobs.verificationEmail.create`, unmodified, over https to https://{domain}/ (the TLS terminator).
 */
import { USER } from '../helpers/fixtures.js';
import { runSdk, stepValue, type SdkRun } from './auth0Sdk/runSdk.js';
import { createClient, MANAGEMENT_CLIENT, startSdkWorld, type SdkWorld } from './auth0Sdk/world.js';

let world: SdkWorld;
let run: SdkRun;

beforeAll(async () => {
  world = await startSdkWorld();
  const client = await createClient(world.admin, { name: 'Sign-up app', app_type: 'regular_web', callbacks: ['https://signup.example/cb'] });
  run = await runSdk('databaseConnection.mjs', {
    domain: world.domain,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    managementClientId: MANAGEMENT_CLIENT.clientId,
    managementClientSecret: MANAGEMENT_CLIENT.clientSecret,
    email: 'sdk-signup@example.com',
    password: 'an sdk passphrase',
    existingEmail: USER.email,
    connection: 'Username-Password-Authentication',
  });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

test('database.signUp creates the user and answers { _id, email_verified, email }', async () => {
  const created = stepValue<{ _id: string; email_verified: boolean; email: string }>(run, 'database.signUp');
  // The SDK copies `_id` to `id` for its callers.
  expect(created).toEqual({ _id: expect.any(String), id: created._id, email_verified: false, email: 'sdk-signup@example.com' });
  const user = await world.server.auth.context.repos.users.findById(created._id);
  expect(user).toMatchObject({ email: 'sdk-signup@example.com', emailVerified: false, userMetadata: { plan: 'trial' } });
});

test('database.signUp with an existing email succeeds the same way (no enumeration)', () => {
  const answer = stepValue<Record<string, unknown>>(run, 'database.signUp (existing email)');
  expect(answer).toEqual({ _id: expect.any(String), id: answer._id, email_verified: false, email: USER.email });
});

test('database.signUp with a common password is refused with the SDK error of a 400', () => {
  const result = run['database.signUp (common password)'];
  expect(result?.ok).toBe(false);
  expect(result && !result.ok ? result.error : null).toMatchObject({ statusCode: 400 });
});

test('database.changePassword answers Auth0\'s sentence', () => {
  expect(stepValue<string>(run, 'database.changePassword')).toBe("We've just sent you an email to reset your password.");
});

test('jobs.verificationEmail.create answers a verification_email job', () => {
  expect(stepValue<Record<string, unknown>>(run, 'jobs.verificationEmail.create')).toMatchObject({ type: 'verification_email', status: 'completed', id: expect.stringMatching(/^job_/) });
});
