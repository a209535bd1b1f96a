/**
 * A small relying party built with openid-client, started beside the demo server: it signs in with
 * PKCE, state and nonce, exchanges the code, and shows what came back.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import ejs from 'ejs';

export interface SampleApp {
  key: string;
  label: string;
  clientId: string;
  clientSecret: string | null;
  partyNote: string;
}

interface Pending {
  app: SampleApp;
  verifier: string;
  nonce: string;
  createdAt: number;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sample client</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1f2330}
a.button{display:inline-block;background:#3b5bdb;color:#fff;padding:.6rem 1rem;border-radius:8px;text-decoration:none;margin:.25rem 0}
pre{background:#f3f4f7;padding:1rem;border-radius:8px;overflow:auto;white-space:pre-wrap;word-break:break-all}</style></head><body>
<h1><%= title %></h1><%- body %><p><a href="/">Back to the start</a></p></body></html>`;

export function createSampleClient(options: { issuer: string; origin: string; audience: string; apps: SampleApp[] }): Express {
  const app = express();
  const pending = new Map<string, Pending>();
  const configs = new Map<string, Promise<oidc.Configuration>>();
  const page = (title: string, body: string) => ejs.render(PAGE, { title, body });

  const configFor = (sample: SampleApp) => {
    let config = configs.get(sample.key);
    if (!config) {
      config = oidc.discovery(new URL(options.issuer), sample.clientId, sample.clientSecret ?? undefined, sample.clientSecret ? undefined : oidc.None(), {
        execute: options.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      });
      config.catch(() => configs.delete(sample.key));
      configs.set(sample.key, config);
    }
    return config;
  };

  app.get('/', (_req, res) => {
    const links = options.apps
      .map((a) => `<p><a class="button" href="/login/${a.key}">Sign in with ${ejs.escapeXML(a.label)}</a><br><small>${ejs.escapeXML(a.partyNote)}</small></p>`)
      .join('');
    res.send(page('Sample client (openid-client)', `<p>Each button starts an authorization code flow with PKCE against <code>${ejs.escapeXML(options.issuer)}</code>.</p>${links}`));
  });

  app.get('/login/:key', async (req, res, next) => {
    try {
      const sample = options.apps.find((a) => a.key === req.params.key);
      if (!sample) return void res.status(404).send(page('Unknown app', ''));
      const config = await configFor(sample);
      const verifier = oidc.randomPKCECodeVerifier();
      const state = randomUUID();
      const nonce = oidc.randomNonce();
      for (const [key, value] of pending) if (Date.now() - value.createdAt > 10 * 60_000) pending.delete(key);
      pending.set(state, { app: sample, verifier, nonce, createdAt: Date.now() });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${options.origin}/callback/${sample.key}`,
        scope: 'openid profile email read:posts write:posts',
        audience: options.audience,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(req.query.prompt === 'consent' ? { prompt: 'consent' } : {}),
      });
      res.redirect(url.href);
    } catch (err) {
      next(err);
    }
  });

  app.get('/callback/:key', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const flow = pending.get(state);
    pending.delete(state);
    if (typeof req.query.error === 'string') {
      res.send(page('The authorization was not granted', `<p><strong>${ejs.escapeXML(req.query.error)}</strong>: ${ejs.escapeXML(String(req.query.error_description ?? ''))}</p>`));
      return;
    }
    if (!flow) return void res.status(400).send(page('Unknown or expired sign-in', ''));
    try {
      const config = await configFor(flow.app);
      const current = new URL(req.originalUrl, options.origin);
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
      const show = (v: unknown) => ejs.escapeXML(JSON.stringify(v, null, 2));
      res.send(
        page(
          `Signed in with ${flow.app.label}`,
          `<h2>ID token claims</h2><pre>${show(tokens.claims())}</pre>
           <h2>Access token claims</h2><pre>${show(decodeJwt(tokens.access_token))}</pre>
           <h2>Token response</h2><pre>${show({ token_type: tokens.token_type, expires_in: tokens.expires_in, scope: tokens.scope })}</pre>
           <p><a href="/login/${flow.app.key}?prompt=consent">Sign in again with prompt=consent</a></p>`,
        ),
      );
    } catch (err) {
      res.status(400).send(page('The code exchange failed', `<pre>${ejs.escapeXML(String(err))}</pre>`));
    }
  });
  return app;
}
