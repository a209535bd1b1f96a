/** The error handler of the browser-facing routes: a page, never a redirect and never a stack trace. */
import type { ErrorRequestHandler } from 'express';
import { UntrustedRequestError } from '../domain/errors.js';
import type { PageRenderer } from '../http/render.js';
import { describeInputError } from '../http/inputErrors.js';

export function pageErrorHandler(render: PageRenderer, log: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    // The error page shows these in the page's language (src/http/localeMessages.ts).
    if (err instanceof UntrustedRequestError) {
      render(res, 'error', { title: err.title, description: err.description }, 400).catch(next);
      return;
    }
    const input = describeInputError(err);
    if (input) {
      render(res, 'error', { title: { key: 'error.badRequest' }, description: input.description }, input.status).catch(next);
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      render(res, 'error', { title: { key: 'error.badRequest' }, description: { key: 'error.notUnderstood' } }, status).catch(next);
      return;
    }
    log(err);
    render(res, 'error', { title: { key: 'error.serverError' }, description: { key: 'error.tryAgain' } }, 500).catch(next);
  };
}
