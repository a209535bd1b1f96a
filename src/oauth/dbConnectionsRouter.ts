/**
 * Auth0's Authentication API for database connections: POST /dbconnections/signup and
 * POST /dbconnections/change_password, with Auth0's request and response shapes. Errors are Auth0's
 * `{ name, code, description, statusCode }`; neither endpoint tells whether an address has an account.
 */
import express, { type ErrorRequestHandler, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { emailTranslator } from '../http/accountPages.js';
import { describeInputError } from '../http/inputErrors.js';
import { rejectNulBytes } from '../http/nulBytes.js';
import { noStore } from '../http/security.js';
import { PASSWORD_PROBLEM_MESSAGES } from '../domain/passwordPolicy.js';
import { DEFAULT_CONNECTION_NAME, type Metadata } from '../domain/users.js';
import { requestInfo } from '../services/auditLog.js';
import type { PasswordResetService } from '../services/passwordResetService.js';
import type { SignupService } from '../services/signupService.js';

const NAMES: Record<number, string> = { 400: 'BadRequestError', 403: 'UnauthorizedError', 413: 'BadRequestError', 429: 'TooManyRequestsError' };

function auth0Error(res: Response, statusCode: number, code: string, description: string, name = NAMES[statusCode] ?? 'Error'): void {
  res.status(statusCode).json({ name, code, description, statusCode });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 2048 ? value : undefined);

/** Auth0's limits on user_metadata at sign-up: at most ten properties, names of 100 characters, string values of 500. */
function readUserMetadata(value: unknown): Metadata | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length > 10 || entries.some(([k, v]) => k.length > 100 || typeof v !== 'string' || v.length > 500)) return null;
  return Object.fromEntries(entries);
}

export function dbConnectionsRouter(ctx: AuthContext, signups: SignupService, resets: PasswordResetService): Router {
  const router = express.Router();
  router.use('/dbconnections', noStore, express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' }), rejectNulBytes);

  router.post('/dbconnections/signup', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const clientId = text(body.client_id);
    if (!clientId) return auth0Error(res, 400, 'invalid_request', 'Missing required parameter: client_id');
    if (typeof body.email !== 'string' || typeof body.password !== 'string') return auth0Error(res, 400, 'invalid_signup', 'Missing required parameters: email and password');
    const userMetadata = readUserMetadata(body.user_metadata);
    if (userMetadata === null) return auth0Error(res, 400, 'invalid_signup', 'user_metadata must be an object of at most 10 string properties');
    const result = await signups.signUp(
      {
        clientId,
        email: body.email,
        password: body.password,
        connection: text(body.connection) ?? DEFAULT_CONNECTION_NAME,
        name: text(body.name),
        nickname: text(body.nickname),
        picture: text(body.picture),
        userMetadata,
      },
      emailTranslator(ctx.options, req, res),
      requestInfo(req),
    );
    if (result.ok) return res.json({ _id: result.id, email_verified: false, email: result.email });
    switch (result.reason) {
      case 'too_many_requests':
        res.set('Retry-After', String(result.retryAfterSeconds));
        return auth0Error(res, 429, 'too_many_attempts', 'Too many sign-ups from this address: try again later.');
      case 'invalid_password':
        return auth0Error(res, 400, 'invalid_password', PASSWORD_PROBLEM_MESSAGES[result.problem], 'PasswordStrengthError');
      case 'invalid_email':
        return auth0Error(res, 400, 'invalid_signup', 'The email address is not valid.');
      case 'connection_not_found':
        return auth0Error(res, 400, 'invalid_connection', 'The connection does not exist.');
      case 'connection_not_enabled':
        return auth0Error(res, 400, 'invalid_connection', 'The connection is not enabled for this client.');
      case 'signup_disabled':
        return auth0Error(res, 400, 'operation_not_allowed', 'public signup is disabled');
    }
  });

  router.post('/dbconnections/change_password', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const connection = text(body.connection);
    if (!connection) return auth0Error(res, 400, 'invalid_request', 'Missing required parameter: connection');
    if (typeof body.email !== 'string') return auth0Error(res, 400, 'invalid_request', 'Missing required parameter: email');
    const clientId = text(body.client_id) ?? null;
    const result = await resets.request(body.email, connection, clientId, emailTranslator(ctx.options, req, res), requestInfo(req), null);
    if (!result.ok && result.reason === 'too_many_requests') {
      res.set('Retry-After', String(result.retryAfterSeconds));
      return auth0Error(res, 429, 'too_many_attempts', 'Too many password reset requests: try again later.');
    }
    if (!result.ok && result.reason === 'invalid_email') return auth0Error(res, 400, 'invalid_request', 'The email address is not valid.');
    if (!result.ok) return auth0Error(res, 400, 'invalid_connection', 'The connection does not exist.');
    res.type('text/plain').send("We've just sent you an email to reset your password.");
  });

  const errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent || !req.path.startsWith('/dbconnections')) return next(err);
    const problem = describeInputError(err);
    if (problem) return auth0Error(res, problem.status, 'invalid_request', problem.description);
    next(err);
  };
  router.use(errors);
  return router;
}
