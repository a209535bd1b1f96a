/**
 * Finding the client a request names. A client_id in URL form, when Client ID Metadata Documents are
 * on, is the client's metadata document: fetched (src/services/clientMetadataFetcher.ts), checked
 * (src/domain/clientIdMetadata.ts), and stored as a third-party public client so that grants, codes
 * and tokens refer to it like to any other; fetched again once its cache lifetime has passed.
 */
import type { AuthContext } from '../context.js';
import { isClientIdUrl, readClientIdMetadataDocument } from '../domain/clientIdMetadata.js';
import type { Client } from '../domain/clients.js';
import { fetchClientMetadata } from './clientMetadataFetcher.js';
import { ClientService } from './clientService.js';
import type { NewClient, RegistryService } from './registryService.js';

/** Cache lifetime bounds, in seconds, whatever the document's Cache-Control says. */
const MIN_CACHE_SECONDS = 60;
const MAX_CACHE_SECONDS = 24 * 60 * 60;
const DEFAULT_CACHE_SECONDS = 5 * 60;
/** A document that failed is not fetched again for this long, so a request loop cannot make us a fetch loop. */
const FAILURE_BACKOFF_MS = 30_000;
const MAX_REMEMBERED_FAILURES = 1000;

export const METADATA_SOURCE = 'client_id_metadata_document';

export class ClientDirectory {
  private readonly clients: ClientService;
  private readonly inFlight = new Map<string, Promise<Client>>();
  private readonly failures = new Map<string, { until: number; error: Error }>();

  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {
    this.clients = new ClientService(ctx);
  }

  /** The client, or null; throws when a metadata document cannot be fetched or used (say why to the user). */
  async find(clientId: string): Promise<Client | null> {
    const stored = await this.ctx.repos.clients.findById(clientId);
    if (!this.ctx.options.clientIdMetadataDocuments || !isClientIdUrl(clientId)) return stored;
    if (stored && Number(stored.clientMetadata.expires_at ?? 0) > Date.now()) return stored;
    const failed = this.failures.get(clientId);
    if (failed && failed.until > Date.now()) throw failed.error;
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.refresh(clientId, stored).finally(() => this.inFlight.delete(clientId));
      this.inFlight.set(clientId, pending);
    }
    return pending;
  }

  private async refresh(url: string, stored: Client | null): Promise<Client> {
    try {
      const { json, maxAge } = await fetchClientMetadata(url, this.ctx.options.clientIdMetadataDocuments ?? never());
      const doc = readClientIdMetadataDocument(url, json);
      const seconds = Math.min(MAX_CACHE_SECONDS, Math.max(MIN_CACHE_SECONDS, maxAge ?? DEFAULT_CACHE_SECONDS));
      const fields = {
        name: doc.name,
        logoUri: doc.logoUri,
        callbacks: doc.redirectUris,
        grantTypes: doc.grantTypes,
        clientMetadata: { source: METADATA_SOURCE, expires_at: String(Date.now() + seconds * 1000) },
      };
      this.failures.delete(url);
      if (stored) return (await this.clients.update(url, fields)) ?? never();
      // Third-party and public whatever the document says: nobody vouches for a URL's owner.
      const created: NewClient & { clientId: string } = { ...fields, clientId: url, appType: 'spa', tokenEndpointAuthMethod: 'none', isDynamic: true, isFirstParty: false };
      const client = await this.registry.ensureClient(created);
      // Created by another request at the same moment: ours is the fresher answer.
      return client.updatedAt >= Date.now() - 1000 ? client : ((await this.clients.update(url, fields)) ?? client);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (this.failures.size >= MAX_REMEMBERED_FAILURES) this.failures.clear();
      this.failures.set(url, { until: Date.now() + FAILURE_BACKOFF_MS, error });
      throw error;
    }
  }
}

function never(): never {
  throw new Error('unreachable');
}
