// An express app signed in through express-openid-connect, in its own Node process: the SDK is
// CommonJS and require()s openid-client 6, which is ESM only; plain Node loads that, Jest's module
// runtime does not. Protocol: prints {"origin"} once listening, reads one JSON line (the SDK's
// configuration), configures itself and prints {"ready":true}.
import { createInterface } from 'node:readline';
import express from 'express';
import eoc from 'express-openid-connect';

const app = express();
let configured = null;
app.use((req, res, next) => (configured ? configured(req, res, next) : next()));

function json(res, value) {
  res.type('html').send(`<!doctype html><title>app</title><pre id="json">${JSON.stringify(value).replace(/</g, '\\u003c')}</pre>`);
}

function tokenState(req) {
  return {
    accessToken: req.oidc.accessToken?.access_token ?? null,
    tokenType: req.oidc.accessToken?.token_type ?? null,
    expiresIn: req.oidc.accessToken?.expires_in ?? null,
    refreshToken: Boolean(req.oidc.refreshToken),
  };
}

function configure(config) {
  const router = express.Router();
  router.use(eoc.auth(config));
  router.get('/logged-out', (req, res) => json(res, { authenticated: req.oidc.isAuthenticated() }));
  router.get('/', (req, res) => json(res, { authenticated: req.oidc.isAuthenticated(), user: req.oidc.user }));
  router.get('/profile', eoc.requiresAuth(), (req, res) => json(res, { authenticated: true, user: req.oidc.user }));
  router.get('/token', eoc.requiresAuth(), (req, res) => json(res, tokenState(req)));
  router.get('/refresh', eoc.requiresAuth(), async (req, res, next) => {
    try {
      if (!req.oidc.accessToken) return json(res, { error: 'no access token in the session' });
      const refreshed = await req.oidc.accessToken.refresh();
      json(res, { accessToken: refreshed.access_token, tokenType: refreshed.token_type, expiresIn: refreshed.expires_in, refreshToken: Boolean(req.oidc.refreshToken) });
    } catch (err) {
      next(err);
    }
  });
  // The SDK's errors (a failed callback, a refused refresh) as text, so a failing test shows them.
  router.use((err, _req, res, _next) => {
    res.status(500).type('text').send(`app error: ${err.name}: ${err.message}${err.error_description ? ` (${err.error_description})` : ''}`);
  });
  return router;
}

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ origin: `http://127.0.0.1:${port}` })}\n`);
});

createInterface({ input: process.stdin }).once('line', (line) => {
  configured = configure(JSON.parse(line));
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
});
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
