import { spawn } from 'node:child_process';
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

/** A child process that runs `body` with createLogger in scope, and its stdout lines as they come. */
function childLogging(body: string): { lines: () => string[]; exited: Promise<number | null>; kill: () => void } {
  const script = `const { createLogger } = await import(${JSON.stringify(new URL('../../src/ops/logger.ts', import.meta.url).href)});\n${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { lines: () => out.split('\n').filter((line) => line !== ''), exited, kill: () => child.kill('SIGKILL') };
}

describe('the server log is buffered but loses nothing', () => {
  test('a few lines (far below the write chunk) reach stdout within the flush interval, while the process runs', async () => {
    const child = childLogging(`const { logger } = createLogger({ logLevel: 'info' });\nfor (let i = 0; i < 3; i++) logger.info({ i }, 'quiet line');\nsetTimeout(() => undefined, 20000);`);
    for (let i = 0; i < 100 && child.lines().length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    // Killed without any chance to flush: what arrived, the interval wrote.
    child.kill();
    await child.exited;
    expect(child.lines().map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([0, 1, 2]);
  }, 20000);

  test('close() then an immediate exit: every line is written, in order', async () => {
    const child = childLogging(`const { logger, close } = createLogger({ logLevel: 'info' });\nfor (let i = 0; i < 2000; i++) logger.info({ i }, 'busy line');\nclose();\nprocess.exit(0);`);
    expect(await child.exited).toBe(0);
    const numbers = child.lines().map((line) => (JSON.parse(line) as { i: number }).i);
    expect(numbers).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  }, 20000);
});
