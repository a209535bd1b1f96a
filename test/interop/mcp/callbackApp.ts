/**
 * The MCP client's redirect URI on 127.0.0.1 (a desktop MCP client's loopback listener): it keeps every
 * authorization response, so the test hands the code to the SDK exactly as the browser delivered it.
 */
import express from 'express';
import { listen, type RunningApp } from '../harness.js';

export interface McpCallback extends RunningApp {
  redirectUri: string;
  received: URL[];
}

export async function startMcpCallback(): Promise<McpCallback> {
  const app = express();
  const received: URL[] = [];
  let origin = '';
  app.get('/callback', (req, res) => {
    received.push(new URL(req.originalUrl, origin));
    res.type('text').send('You can close this window and return to your MCP client.');
  });
  const running = await listen(app);
  origin = running.origin;
  return { ...running, redirectUri: `${running.origin}/callback`, received };
}
