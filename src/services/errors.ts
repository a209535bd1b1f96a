/** Errors of the use cases, told apart by the HTTP layers (the Management API maps them to 403 and 409). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class ForbiddenOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenOperationError';
  }
}

/** A referenced entity (client, API, connection) does not exist. */
export class MissingReferenceError extends Error {
  constructor(
    readonly entity: 'client' | 'resource_server' | 'connection' | 'user',
    message: string,
  ) {
    super(message);
    this.name = 'MissingReferenceError';
  }
}
