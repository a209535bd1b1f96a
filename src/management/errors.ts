/** Errors of the Management API in Auth0's shape: {statusCode, error, message, errorCode}. */
import type { ErrorRequestHandler } from 'express';
import { ValidationError } from '../services/registryService.js';
import { ConflictError, ForbiddenOperationError, MissingReferenceError } from '../services/errors.js';
import { describeInputError, NulByteError } from '../http/inputErrors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export class ManagementError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'ManagementError';
  }
}

export const notFound = (errorCode: string, message: string) => new ManagementError(404, errorCode, message);
export const invalidBody = (message: string) => new ManagementError(400, 'invalid_body', message);
export const invalidQuery = (message: string) => new ManagementError(400, 'invalid_query_string', message);
export const conflict = (errorCode: string, message: string) => new ManagementError(409, errorCode, message);

export function managementErrorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    let error: ManagementError;
    const type = (err as { type?: string }).type;
    const input = describeInputError(err);
    if (err instanceof ManagementError) error = err;
    else if (err instanceof ValidationError) error = invalidBody(err.message);
    else if (err instanceof ConflictError) error = conflict('conflict', err.message);
    else if (err instanceof ForbiddenOperationError) error = new ManagementError(403, 'operation_not_supported', err.message);
    else if (err instanceof MissingReferenceError) error = notFound(`inexistent_${err.entity}`, err.message);
    else if (type === 'entity.parse.failed') error = invalidBody('Invalid request payload JSON format.');
    else if (type === 'entity.too.large') error = new ManagementError(413, 'payload_too_large', 'The request payload is too large.');
    else if (err instanceof NulByteError && err.where === 'path or query') error = invalidQuery(input?.description ?? err.message);
    else if (input) error = new ManagementError(input.status, input.status === 413 ? 'payload_too_large' : 'invalid_body', input.description);
    else {
      log(err);
      error = new ManagementError(500, 'internal_error', 'Internal error.');
    }
    res.status(error.statusCode).json({
      statusCode: error.statusCode,
      error: REASONS[error.statusCode] ?? 'Error',
      message: error.message,
      errorCode: error.errorCode,
    });
  };
}
