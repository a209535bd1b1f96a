/** Every successful Management API write becomes an `sapi` event (method and path; never the body, which may hold secrets). */
import type { RequestHandler } from 'express';
import type { AuthContext } from '../context.js';
import { requestInfo } from '../services/auditLog.js';

export function recordWrites(ctx: AuthContext): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.on('finish', () => {
        if (res.statusCode >= 400) return;
        const path = `${req.baseUrl}${req.path}`.replace(/^.*\/api\/v2/, '/api/v2');
        void ctx.audit.record(
          'sapi',
          {
            clientId: res.locals.caller?.clientId ?? null,
            userId: res.locals.caller?.userId ?? null,
            description: `${req.method} ${path}`,
            details: { request: { method: req.method, path }, response: { statusCode: res.statusCode } },
          },
          requestInfo(req),
        );
      });
    }
    next();
  };
}
