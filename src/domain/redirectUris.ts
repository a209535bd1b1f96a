/** Redirect URI matching (RFC 6749 §3.1.2, RFC 9700 §4.1.3) and loopback detection (RFC 8252). */

/**
 * Exact string matching against the registered callbacks. The single exception (RFC 8252 §7.3):
 * a native app's loopback IP redirect may use any port, since the OS hands out ports at run time.
 */
export function matchRedirectUri(requested: string, callbacks: readonly string[], isNativeApp: boolean): boolean {
  if (callbacks.includes(requested)) return true;
  if (!isNativeApp) return false;
  const req = splitLoopbackPort(requested);
  if (!req) return false;
  return callbacks.some((cb) => splitLoopbackPort(cb)?.withoutPort === req.withoutPort);
}

/**
 * The raw string of a loopback IP redirect with its port taken out, or null for anything else. Read
 * from the string itself, not from a parsed URL, so that only the port can vary: URL parsing would
 * turn 127.1, 2130706433, /./ and backslashes into 127.0.0.1 and /, and userinfo would slip past.
 */
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(\/[^#\\]*)?$/;

function splitLoopbackPort(uri: string): { withoutPort: string } | null {
  const match = LOOPBACK_REDIRECT.exec(uri);
  if (!match) return null;
  return { withoutPort: `http://${match[1]}${match[3] ?? ''}` };
}

/**
 * localhost, *.localhost, 127.0.0.0/8 and [::1]: any program on the user's machine can listen there,
 * so a client redirecting there can never be verified as first-party (the seeds' "localhost rule").
 */
export function isLocalhostOrLoopback(redirectUri: string): boolean {
  const url = parseUrl(redirectUri);
  if (!url) return true; // an unparseable URI is certainly not verifiable
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || isLoopbackIpHost(host);
}

/**
 * A redirect URI that proves who receives the response: https on a real host. Loopback and localhost
 * can be served by any program on the machine, and a custom scheme (com.example.app:/cb) can be
 * claimed by any installed app (RFC 8252 §8.6), so neither is verifiable.
 */
export function isVerifiableRedirectUri(redirectUri: string): boolean {
  return redirectUri.startsWith('https://') && !isLocalhostOrLoopback(redirectUri);
}

function isLoopbackIpHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\./i.test(host)) return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256);
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
