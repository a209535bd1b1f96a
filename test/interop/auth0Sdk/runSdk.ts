/**
 * Runs one SDK child script (test/interop/auth0Sdk/*.mjs) in its own Node process, because Node reads
 * NODE_EXTRA_CA_CERTS only at start: that is how the SDKs, unmodified, trust our test certificate.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { CERT_PATH, type Exchange } from './tlsTerminator.js';

export type StepError = { name?: string; message: string; statusCode?: number; body?: unknown; error?: string; error_description?: string; code?: string; cause?: StepError };
export type StepResult = { ok: true; value: unknown } | { ok: false; error: StepError };
export type SdkRun = Record<string, StepResult>;

const CHILD_TIMEOUT_MS = 45_000;

export function runSdk(script: string, input: object, args: string[] = []): Promise<SdkRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: CERT_PATH, SDK_INPUT: JSON.stringify(input) };
  // Jest's --experimental-vm-modules is no business of the child's.
  delete env.NODE_OPTIONS;
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, [resolve('test/interop/auth0Sdk', script), ...args], { env, timeout: CHILD_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        if (error) throw error;
        resolveRun(JSON.parse(line) as SdkRun);
      } catch (cause) {
        reject(new Error(`${script} ${args.join(' ')} did not finish with its JSON line (${String(cause)}).\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-4000)}`));
      }
    });
  });
}

/**
 * The value of one SDK call; when the call failed, an error naming the call, the SDK's error and what
 * went over the wire from `since` on (the requests it made and our answers), so the server can be fixed.
 */
export function stepValue<T>(run: SdkRun, name: string, exchanges: readonly Exchange[] = []): T {
  const result = run[name];
  if (!result) throw new Error(`The SDK script recorded no step "${name}" (steps: ${Object.keys(run).join(', ')})`);
  if (result.ok) return result.value as T;
  const failures = exchanges.filter((e) => (e.status ?? 0) >= 400);
  throw new Error(
    `SDK call ${name} failed: ${JSON.stringify(result.error, null, 2)}\n` +
      `Requests our server refused during this run:\n${failures.map((e) => JSON.stringify(e, null, 2)).join('\n') || '(none)'}`,
  );
}
