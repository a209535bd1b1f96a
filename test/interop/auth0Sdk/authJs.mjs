// @auth0/auth0-auth-js's AuthClient with domain, clientId and clientSecret. It discovers everything from
// https://{domain}/.well-known/openid-configuration (openid-client underneath).
// argv[2] is what to do, because the code flow spans two processes with a browser in between:
//   client-credentials   SDK_INPUT: domain, clientId, clientSecret, audience
//   authorize            SDK_INPUT: domain, clientId, clientSecret, audience, redirectUri, scope
//   code                 SDK_INPUT: domain, clientId, clientSecret, callbackUrl, codeVerifier
import { AuthClient } from '@auth0/auth0-auth-js';
import { done, input, step } from './steps.mjs';

const { domain, clientId, clientSecret, audience, redirectUri, scope, callbackUrl, codeVerifier } = input();
const auth = new AuthClient({ domain, clientId, clientSecret });

// TokenResponse is a class; its own fields are what the app gets.
const tokens = (response) => ({ ...response });

switch (process.argv[2]) {
  case 'client-credentials':
    await step('getTokenByClientCredentials', async () => tokens(await auth.getTokenByClientCredentials({ audience })));
    break;
  case 'authorize':
    await step('buildAuthorizationUrl', async () => {
      const { authorizationUrl, codeVerifier } = await auth.buildAuthorizationUrl({ authorizationParams: { redirect_uri: redirectUri, audience, scope } });
      return { authorizationUrl: authorizationUrl.href, codeVerifier };
    });
    break;
  case 'code':
    await step('getTokenByCode', async () => tokens(await auth.getTokenByCode(new URL(callbackUrl), { codeVerifier })));
    break;
  default:
    throw new Error(`unknown action: ${process.argv[2]}`);
}

done();
