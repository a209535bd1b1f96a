/**
 * Malformed input that never reaches a handler: a NUL byte (PostgreSQL text cannot hold one), and
 * what body-parser refuses. Each surface's error handler asks `describeInputError` and answers in its
 * own shape, so that none of these becomes a 500.
 */

/** A NUL byte in the path, the query or the body. */
export class NulByteError extends Error {
  readonly status = 400;
  readonly type = 'input.nul_byte';
  constructor(readonly where: 'path or query' | 'body' | 'credentials') {
    super(`The request ${where} contains a NUL byte.`);
    this.name = 'NulByteError';
  }
}

export interface InputProblem {
  status: 400 | 413;
  description: string;
}

/** body-parser's error types (see body-parser/lib/read.js), each as a client mistake. */
const BODY_PARSER_PROBLEMS: ReadonlyMap<string, InputProblem> = new Map<string, InputProblem>([
  ['media.unsupported', { status: 400, description: 'The request body has an unsupported media type.' }],
  ['charset.unsupported', { status: 400, description: 'The request body uses an unsupported charset.' }],
  ['encoding.unsupported', { status: 400, description: 'The request body uses an unsupported Content-Encoding.' }],
  ['entity.parse.failed', { status: 400, description: 'The request body is malformed.' }],
  ['entity.verify.failed', { status: 400, description: 'The request body is malformed.' }],
  ['entity.too.large', { status: 413, description: 'The request body is too large.' }],
  ['parameters.too.many', { status: 413, description: 'The request body has too many parameters.' }],
  ['request.aborted', { status: 400, description: 'The request was aborted.' }],
  ['request.size.invalid', { status: 400, description: 'The request body does not match its Content-Length.' }],
  ['stream.encoding.set', { status: 400, description: 'The request body could not be read.' }],
  ['stream.not.readable', { status: 400, description: 'The request body could not be read.' }],
]);

/**
 * The problem behind an input error, or null for anything else (a real fault). A body that does not
 * match its Content-Encoding fails inside zlib with a 400 but no `type`, hence the status fallback.
 */
export function describeInputError(err: unknown): InputProblem | null {
  if (err instanceof NulByteError) return { status: 400, description: err.message };
  if (typeof err !== 'object' || err === null) return null;
  const { type, status, expose } = err as { type?: unknown; status?: unknown; expose?: unknown };
  if (typeof type === 'string') {
    const known = BODY_PARSER_PROBLEMS.get(type);
    if (known) return known;
  }
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { status: status === 413 ? 413 : 400, description: 'The request could not be read.' };
  }
  return null;
}
