/**
 * Fetching a Client ID Metadata Document is fetching a URL chosen by anyone: a server-side request
 * forgery surface. So: https only; no private, loopback, link-local or otherwise internal address
 * (checked on the address actually connected to, so DNS rebinding cannot slip past); no redirects; a
 * small size limit and a short timeout. An operator's `trustedHosts` (host:port) lift the https and
 * address rules for named hosts, for development and tests; allow and deny lists narrow the domains.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

export interface MetadataFetchPolicy {
  trustedHosts: string[];
  allowDomains: string[] | null;
  denyDomains: string[];
  maxBytes: number;
  timeoutMs: number;
}

export class MetadataFetchError extends Error {}

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL.addSubnet(network, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 || INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function domainMatches(hostname: string, domains: readonly string[]): boolean {
  return domains.some((d) => hostname === d || hostname.endsWith(`.${d}`));
}

/** A DNS lookup that refuses internal addresses, for every address Node may connect to. */
function guardedLookup(hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const refused = addresses.find((a) => isInternalAddress(a.address));
    if (refused || addresses.length === 0) return callback(new MetadataFetchError(`${hostname} resolves to an internal address.`), '');
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
}

/** The document's JSON and how long it may be cached (Cache-Control max-age, in seconds, or null). */
export async function fetchClientMetadata(url: string, policy: MetadataFetchPolicy): Promise<{ json: unknown; maxAge: number | null }> {
  const target = new URL(url);
  const trusted = policy.trustedHosts.includes(target.host);
  const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!trusted) {
    if (target.protocol !== 'https:') throw new MetadataFetchError('The metadata document must be served over https.');
    if (domainMatches(hostname, policy.denyDomains)) throw new MetadataFetchError(`${hostname} is not allowed to identify clients.`);
    if (policy.allowDomains && !domainMatches(hostname, policy.allowDomains)) throw new MetadataFetchError(`${hostname} is not among the allowed client domains.`);
    // An IP literal is connected to without any lookup: check it here.
    if (isIP(hostname) && isInternalAddress(hostname)) throw new MetadataFetchError(`${hostname} is an internal address.`);
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      target,
      { headers: { accept: 'application/json' }, timeout: policy.timeoutMs, ...(trusted ? {} : { lookup: guardedLookup as never }) },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          // Redirects are not followed: the document must be at the client_id itself.
          return reject(new MetadataFetchError(`The metadata document answered HTTP ${res.statusCode ?? '?'}.`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > policy.maxBytes) {
            // Settled here: whatever the destroyed stream emits afterwards changes nothing.
            reject(new MetadataFetchError(`The metadata document is larger than ${policy.maxBytes} bytes.`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          try {
            resolve({ json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, maxAge: maxAgeOf(res.headers['cache-control']) });
          } catch {
            reject(new MetadataFetchError('The metadata document is not JSON.'));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new MetadataFetchError('The metadata document did not arrive in time.')));
    // What the network said stays here: error codes and TLS messages would tell anyone what this server can reach.
    req.on('error', (err) => reject(err instanceof MetadataFetchError ? err : new MetadataFetchError('The metadata document could not be fetched.', { cause: err })));
  });
}

function maxAgeOf(header: string | undefined): number | null {
  if (!header) return null;
  if (/\bno-store\b|\bno-cache\b/i.test(header)) return 0;
  const match = /\bmax-age=(\d+)/i.exec(header);
  return match ? Number(match[1]) : null;
}
