/**
 * The openid-client configuration of each OIDC connection, from the provider's discovery document,
 * cached per connection for an hour (providers rotate keys, not endpoints; openid-client refetches the
 * JWKS itself). A failed discovery is not cached, so the next sign-in tries again.
 */
import * as oidc from 'openid-client';
import type { OidcConnection } from '../../domain/connections.js';

const CACHE_MS = 60 * 60 * 1000;
const DISCOVERY_TIMEOUT_SECONDS = 10;

/** The provider cannot be used: unreachable, or its discovery document is not what the connection says. */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/** Plain HTTP only to this machine (a provider run beside the server in development and tests). */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

export class ProviderConfigurations {
  private readonly cache = new Map<string, { fingerprint: string; at: number; config: Promise<oidc.Configuration> }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(connection: OidcConnection): Promise<oidc.Configuration> {
    const { options } = connection;
    // A changed connection (new endpoints, client or secret) is discovered again.
    const fingerprint = JSON.stringify([options.discovery_url, options.issuer, options.client_id, options.client_secret, options.type]);
    const cached = this.cache.get(connection.id);
    if (cached && cached.fingerprint === fingerprint && this.now() - cached.at < CACHE_MS) return cached.config;
    const config = this.discover(connection).catch((err: unknown) => {
      this.cache.delete(connection.id);
      throw err;
    });
    this.cache.set(connection.id, { fingerprint, at: this.now(), config });
    return config;
  }

  private async discover({ name, options }: OidcConnection): Promise<oidc.Configuration> {
    const where = options.discovery_url ?? options.issuer;
    if (!where) throw new ProviderUnavailableError(`The connection ${name} has no discovery_url or issuer.`);
    const url = new URL(where);
    if (url.protocol !== 'https:' && !isLoopback(url)) throw new ProviderUnavailableError(`The provider of ${name} must be reached over HTTPS.`);
    const back = options.type === 'back_channel';
    if (back && !options.client_secret) throw new ProviderUnavailableError(`The client secret of ${name} cannot be read (was secretEncryptionKey changed?).`);
    let config: oidc.Configuration;
    try {
      config = await oidc.discovery(url, options.client_id, back ? { client_secret: options.client_secret ?? undefined } : {}, back ? oidc.ClientSecretPost() : oidc.None(), {
        execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: DISCOVERY_TIMEOUT_SECONDS,
      });
    } catch (err) {
      throw new ProviderUnavailableError(`The discovery document of ${name} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Given both, the issuer is what the discovery document must name (openid-client checks it only when discovering from the issuer).
    const issuer = config.serverMetadata().issuer;
    if (options.issuer && options.discovery_url && issuer !== options.issuer) {
      throw new ProviderUnavailableError(`The discovery document of ${name} names the issuer ${issuer}, not ${options.issuer}.`);
    }
    return config;
  }
}
