// auth0's ManagementClient (v7) on the signing keys: list, rotate, get, revoke — and tokens checked the
// way an API checks them, against https://{domain}/.well-known/jwks.json with jose (a fresh key set each
// time, so no cache hides what the JWKS says). The AuthenticationClient (auth0/legacy) fetches the tokens.
// Revoking takes the key that signed every token issued so far out of the JWKS, so this runs last.
// Inputs (SDK_INPUT): domain, clientId, clientSecret, audience (an API the client has a grant for).
import { ManagementClient } from 'auth0';
import { AuthenticationClient } from 'auth0/legacy';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { done, input, need, step } from './steps.mjs';

const { domain, clientId, clientSecret, audience } = input();
const management = new ManagementClient({ domain, clientId, clientSecret });
const auth = new AuthenticationClient({ domain, clientId, clientSecret });

const token = async () => (await auth.oauth.clientCredentialsGrant({ audience })).data.access_token;
const verify = async (jwt) =>
  jwtVerify(jwt, createRemoteJWKSet(new URL(`https://${domain}/.well-known/jwks.json`)), { issuer: `https://${domain}/`, audience }).then(
    () => ({ kid: decodeProtectedHeader(jwt).kid, verified: true }),
    (error) => ({ kid: decodeProtectedHeader(jwt).kid, verified: false, code: error.code }),
  );

const before = await step('keys.signing.list before', () => management.keys.signing.list());
const oldToken = await step('token before', token);
const rotated = await step('keys.signing.rotate', () => management.keys.signing.rotate());
await step('keys.signing.list after', () => management.keys.signing.list());
const newToken = await step('token after', token);
await step('verify after rotation', async () => ({ old: await verify(need(oldToken, 'token before')), new: await verify(need(newToken, 'token after')) }));
const previous = need(before, 'keys.signing.list before').find((k) => k.current)?.kid;
await step('keys.signing.revoke', () => management.keys.signing.revoke(need(previous, 'a current key before the rotation')));
// The first client's cached token was signed by the revoked key: our API refuses it now, as any API would.
await step('old token refused', () =>
  management.keys.signing.get(previous).then(
    () => ({ statusCode: 200 }),
    (error) => ({ statusCode: error.statusCode ?? null }),
  ),
);
const fresh = new ManagementClient({ domain, clientId, clientSecret });
await step('keys.signing.get revoked', () => fresh.keys.signing.get(previous));
await step('verify after revocation', async () => ({ old: await verify(oldToken), new: await verify(newToken), rotatedKid: rotated?.kid ?? null }));

done();
