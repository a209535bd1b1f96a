/**
 * Bearer tokens for /api/v2 (checklist S24): issued by this server for the audience {issuer}api/v2/,
 * unexpired, from a client that still exists, with the route's scope. Either a client's own
 * (client_credentials) or an administrator's (the dashboard's, src/dashboard/adminTokens.ts: /authorize
 * never issues this audience), whose role is checked again on every request.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createLocalJWKSet, jwtVerify, errors as joseErrors } from 'jose';
import type { AuthContext } from '../context.js';
import { managementAudience } from '../domain/managementApi.js';
import { findClient } from '../services/clientLookup.js';
import { ManagementError } from './errors.js';
import { isActiveAdministrator } from '../dashboard/administrators.js';

export interface ManagementCaller {
  clientId: string;
  /** The administrator acting, for a user's token (recorded in the audit log). */
  userId?: string;
  scopes: Set<string>;
}

declare module 'express-serve-static-core' {
  interface Locals {
    caller?: ManagementCaller;
  }
}

export function authenticateManagementToken(ctx: AuthContext): RequestHandler {
  const audience = managementAudience(ctx.options.issuer);
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header);
    if (!match?.[1]) return next(new ManagementError(401, 'invalid_token', 'Missing authentication: send "Authorization: Bearer <token>".'));
    try {
      const { payload } = await jwtVerify(match[1], createLocalJWKSet(ctx.keys.jwks()), {
        issuer: ctx.options.issuer,
        audience,
        algorithms: ['RS256'],
        typ: 'at+jwt',
      });
      const clientId = typeof payload.azp === 'string' ? payload.azp : '';
      if (!(await findClient(ctx, clientId))) {
        return next(new ManagementError(401, 'invalid_token', 'The token was not issued to an existing client.'));
      }
      const scopes = new Set(String(payload.scope ?? '').split(' ').filter(Boolean));
      if (payload.gty === 'client-credentials') {
        res.locals.caller = { clientId, scopes };
        return next();
      }
      const userId = payload.sub ?? '';
      if (!(await isActiveAdministrator(ctx, userId))) {
        return next(new ManagementError(401, 'invalid_token', 'The token\'s user is no longer an active administrator.'));
      }
      res.locals.caller = { clientId, userId, scopes };
      next();
    } catch (err) {
      const message =
        err instanceof joseErrors.JWTExpired
          ? 'Expired token received for JSON Web Token validation'
          : err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud'
            ? 'Bad audience: the token is not for the Management API.'
            : 'Invalid token.';
      next(new ManagementError(401, 'invalid_token', message));
    }
  };
}

/** The route needs any one of these scopes. */
export function requireScope(...scopes: string[]): RequestHandler {
  return (_req, res, next) => {
    const caller = res.locals.caller;
    if (caller && scopes.some((s) => caller.scopes.has(s))) return next();
    next(new ManagementError(403, 'insufficient_scope', `Insufficient scope; expected any of: ${scopes.join(',')}`));
  };
}

export function callerHas(res: Response, scope: string): boolean {
  return res.locals.caller?.scopes.has(scope) ?? false;
}
