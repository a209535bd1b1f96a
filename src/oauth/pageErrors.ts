/** The error handler of the browser-facing routes: a page, never a redirect and never a stack trace. */
import type { ErrorRequestHandler } from 'express';
import { UntrustedRequestError } from '../domain/errors.js';
import type { PageRenderer } from '../http/render.js';
import { describeInputError } from '../http/inputErrors.js';

export function pageErrorHandler(render: PageRenderer, log: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof UntrustedRequestError) {
      render(res, 'error', { title: err.title, description: err.description }, 400).catch(next);
      return;
    }
    const input = describeInputError(err);
    if (input) {
      render(res, 'error', { title: 'Bad request', description: input.description }, input.status).catch(next);
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      render(res, 'error', { title: 'Bad request', description: 'The request could not be understood.' }, status).catch(next);
      return;
    }
    log(err);
    render(res, 'error', { title: 'Something went wrong', description: 'Please try again in a moment.' }, 500).catch(next);
  };
}
