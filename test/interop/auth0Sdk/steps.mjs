// Shared by the SDK child scripts: each SDK call is a named step whose value or error is printed as one
// JSON line, so one failing call is reported precisely and the calls after it still run.

const results = {};

/** The script's inputs, as JSON in SDK_INPUT (set by runSdk.ts). */
export function input() {
  return JSON.parse(process.env.SDK_INPUT ?? '{}');
}

export async function step(name, fn) {
  try {
    const value = await fn();
    results[name] = { ok: true, value: value ?? null };
    return value;
  } catch (error) {
    results[name] = { ok: false, error: describe(error) };
    return undefined;
  }
}

/** A step that needs an earlier one's value fails naming it, rather than with a TypeError. */
export function need(value, stepName) {
  if (value === undefined || value === null) throw new Error(`not run: it needs "${stepName}", which failed`);
  return value;
}

export function done() {
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

// The SDKs' errors carry what matters in different fields (ManagementError: statusCode + body;
// AuthApiError: error + error_description; auth0-auth-js: code + cause); keep those, drop the rest.
const KEPT = ['statusCode', 'status', 'body', 'error', 'error_description', 'code'];

function describe(error, depth = 0) {
  if (!(error instanceof Error)) return typeof error === 'object' && error !== null ? plain(error) : { message: String(error) };
  const out = { name: error.name, message: error.message };
  for (const key of KEPT) {
    const value = error[key];
    if (value !== undefined && (typeof value !== 'object' || value === null || depth === 0)) out[key] = plain(value);
  }
  if (error.cause !== undefined && depth < 2) out.cause = describe(error.cause, depth + 1);
  return out;
}

function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}
