/**
 * /api/v2/jobs/verification-email: Auth0's job that sends a user the email verification link. The
 * email is dispatched at once, so the job is answered as Auth0 shapes it, already `completed`.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import { localeTranslator } from '../http/locale.js';
import type { EmailVerificationService } from '../services/emailVerificationService.js';
import { newId } from '../services/ids.js';
import { requireScope } from './authentication.js';
import { invalidBody, ManagementError, notFound } from './errors.js';
import { parseBody } from './requests.js';

const verificationEmailBody = z.strictObject({
  user_id: z.string().min(1).max(300),
  client_id: z.string().max(300).optional(),
  identity: z.object({ user_id: z.string(), provider: z.string() }).optional(),
  organization_id: z.string().optional(),
});

export function jobsRoutes(ctx: AuthContext, verification: EmailVerificationService): Router {
  const router = express.Router();
  // No page to take a language from: the server's default one.
  const t = localeTranslator(ctx.options.defaultLocale, ctx.options.texts);

  router.post('/jobs/verification-email', requireScope('update:users'), async (req, res) => {
    const body = parseBody(verificationEmailBody, req.body);
    const result = await verification.requestForUser(body.user_id, t, body.client_id ?? null);
    if (!result.ok) {
      if ('retryAfterSeconds' in result) {
        res.set('Retry-After', String(result.retryAfterSeconds));
        throw new ManagementError(429, 'too_many_requests', 'Too many verification emails for this user: try again later.');
      }
      if (result.reason === 'not_found') throw notFound('inexistent_user', 'The user does not exist.');
      throw invalidBody('The user\u2019s email address is already verified.');
    }
    res.status(201).json({ type: 'verification_email', status: 'completed', created_at: new Date().toISOString(), id: newId('job') });
  });
  return router;
}
