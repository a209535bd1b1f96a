// auth0's AuthenticationClient. auth0@7 no longer exports it from its main entry point; it ships the
// v4 client as `auth0/legacy` (with the oauth.*Grant methods), which is what v4-v6 users have in code.
// It validates any ID token itself: RS256 against https://{domain}/.well-known/jwks.json, iss https://{domain}/.
// Inputs (SDK_INPUT): domain, clientId, clientSecret, audience, username, password.
import { AuthenticationClient } from 'auth0/legacy';
import { done, input, need, step } from './steps.mjs';

const { domain, clientId, clientSecret, audience, username, password } = input();
const auth = new AuthenticationClient({ domain, clientId, clientSecret });

await step('oauth.clientCredentialsGrant', async () => (await auth.oauth.clientCredentialsGrant({ audience })).data);

const signedIn = await step('oauth.passwordGrant', async () =>
  (await auth.oauth.passwordGrant({ username, password, audience, scope: 'openid profile email offline_access read:posts' })).data,
);

await step('oauth.refreshTokenGrant', async () => {
  const refreshToken = need(signedIn?.refresh_token, 'oauth.passwordGrant (with a refresh token)');
  return (await auth.oauth.refreshTokenGrant({ refresh_token: refreshToken })).data;
});

done();
