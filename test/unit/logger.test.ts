import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS } from '../../src/ops/logger.js';

/** The lines a logger with our redaction writes for `objects`. */
function logged(...objects: Record<string, unknown>[]): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  for (const object of objects) logger.info(object, 'line');
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the structured log redacts secrets by name', () => {
  test('at the top level and inside the objects a caller might log whole', () => {
    const [top, nested] = logged(
      { password: 'p', client_secret: 's', refresh_token: 'r', cookie: 'c', route: '/oauth/token' },
      { body: { code: 'abc', grant_type: 'authorization_code' }, headers: { authorization: 'Basic x' }, details: { access_token: 't' }, err: { token: 'k' } },
    );
    expect(top).toMatchObject({ password: '[redacted]', client_secret: '[redacted]', refresh_token: '[redacted]', cookie: '[redacted]', route: '/oauth/token' });
    expect(nested).toMatchObject({
      body: { code: '[redacted]', grant_type: 'authorization_code' },
      headers: { authorization: '[redacted]' },
      details: { access_token: '[redacted]' },
      err: { token: '[redacted]' },
    });
  });

  test('every secret name is covered in every container', () => {
    expect(REDACTED_PATHS).toEqual(expect.arrayContaining(['code_verifier', 'body.code_verifier', 'query.id_token', 'req.cookie', 'client.client_secret']));
  });
});
