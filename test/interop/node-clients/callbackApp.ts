/**
 * The redirect URI of a client under test: a tiny express app that records each authorization
 * response it receives, so a test holds the exact URL the browser was sent to.
 */
import express from 'express';
import { listen, type RunningApp } from '../harness.js';

export interface CallbackApp extends RunningApp {
  redirectUri: string;
  /** The full callback URL that carried this state (rejects if none arrived). */
  received(state: string): URL;
}

export async function startCallbackApp(): Promise<CallbackApp> {
  const app = express();
  const byState = new Map<string, URL>();
  let origin = '';
  app.get('/cb', (req, res) => {
    const url = new URL(req.originalUrl, origin);
    byState.set(url.searchParams.get('state') ?? '', url);
    res.type('text').send('callback received');
  });
  const running = await listen(app);
  origin = running.origin;
  return {
    ...running,
    redirectUri: `${running.origin}/cb`,
    received(state) {
      const url = byState.get(state);
      if (!url) throw new Error(`No authorization response with state ${state} reached ${running.origin}/cb (got ${[...byState.keys()].join(', ') || 'none'})`);
      return url;
    },
  };
}
