/**
 * The MCP client's side of OAuth as an application would write it: an OAuthClientProvider that keeps
 * everything in memory and, instead of sending a person to the authorization URL, records it so the test
 * can open it in Chromium. A recording fetch shows exactly what the SDK sent to which server.
 */
import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

export interface ProviderOptions {
  redirectUrl: string;
  clientMetadata: OAuthClientMetadata;
  clientMetadataUrl?: string;
  /**
   * What the SDK itself stores on its Client ID Metadata Document path ({ client_id: <document URL> }),
   * for a document the SDK will not pick on its own (it insists on https; see the test).
   */
  clientInformation?: OAuthClientInformationMixed;
}

export class InMemoryOAuthClientProvider implements OAuthClientProvider {
  readonly clientMetadataUrl?: string;
  readonly authorizationUrls: URL[] = [];
  readonly savedClientInformation: OAuthClientInformationMixed[] = [];
  readonly issuedStates: string[] = [];
  discovery?: OAuthDiscoveryState;
  private client?: OAuthClientInformationMixed;
  private storedTokens?: OAuthTokens;
  private verifier?: string;

  constructor(private readonly options: ProviderOptions) {
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.client = options.clientInformation;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return this.options.clientMetadata;
  }

  /** The SDK sends whatever state we give and never checks it: checking it on the callback is ours. */
  state(): string {
    const state = randomBytes(16).toString('base64url');
    this.issuedStates.push(state);
    return state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(clientInformation: OAuthClientInformationMixed): void {
    this.client = clientInformation;
    this.savedClientInformation.push(clientInformation);
  }

  tokens(): OAuthTokens | undefined {
    return this.storedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.storedTokens = tokens;
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizationUrls.push(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('No PKCE code verifier was saved before the code exchange');
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  lastAuthorizationUrl(): URL {
    const url = this.authorizationUrls.at(-1);
    if (!url) throw new Error('The SDK never asked to send the user to an authorization URL');
    return url;
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  status: number;
}

/** Wraps fetch so every request the SDK makes (discovery, registration, token, MCP) is kept, in order. */
export function recordingFetch(): { fetch: FetchLike; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recorder: FetchLike = async (input, init) => {
    const url = input instanceof URL ? input.href : String(input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : null;
    const response = await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(15000) });
    requests.push({ method: init?.method ?? 'GET', url, headers, body, status: response.status });
    return response;
  };
  return { fetch: recorder, requests };
}
