/**
 * Creating applications, APIs, connections and users with Auth0's defaults and rules. Used by the
 * demo seed, by host applications through createAuthServer().admin, and by the Management API.
 */
import type { AuthContext } from '../context.js';
import {
  clientRuleViolations,
  defaultAuthMethod,
  defaultGrantTypes,
  isPublicClient,
  type AppType,
  type Client,
  type GrantType,
  type IdTokenAlg,
  type RedirectionPolicy,
  type ThirdPartySecurityMode,
  type TokenEndpointAuthMethod,
} from '../domain/clients.js';
import { DEFAULT_ACCESS_POLICY, DEFAULT_TOKEN_LIFETIME, type ApiScope, type ResourceServer } from '../domain/resourceServers.js';
import { DEFAULT_CONNECTION_NAME, normalizeEmail, userSubject, type User } from '../domain/users.js';
import type { Connection } from '../store/connectionsRepository.js';
import { MANAGEMENT_SCOPES, managementAudience } from '../domain/managementApi.js';
import { newClientId, newClientSecret, newId, randomAlphanumeric } from './ids.js';
import { hashPassword } from './passwords.js';
import { checkPassword, PASSWORD_PROBLEM_MESSAGES } from '../domain/passwordPolicy.js';

export class ValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'ValidationError';
  }
}

export interface NewClient {
  name: string;
  appType: AppType;
  clientId?: string;
  clientSecret?: string;
  description?: string;
  logoUri?: string | null;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  isFirstParty?: boolean;
  isDynamic?: boolean;
  callbacks?: string[];
  allowedLogoutUrls?: string[];
  webOrigins?: string[];
  allowedOrigins?: string[];
  initiateLoginUri?: string | null;
  clientMetadata?: Record<string, string>;
  /** Third-party clients: the server's `thirdPartySecurityMode` when not given. */
  thirdPartySecurityMode?: ThirdPartySecurityMode;
  redirectionPolicy?: RedirectionPolicy;
  grantTypes?: GrantType[];
  jwtAlg?: IdTokenAlg;
  jwtLifetimeInSeconds?: number;
}

export interface NewResourceServer {
  identifier: string;
  name: string;
  scopes?: ApiScope[];
  tokenLifetime?: number;
  allowOfflineAccess?: boolean;
  skipConsentForVerifiableFirstPartyClients?: boolean;
  isSystem?: boolean;
  accessPolicy?: ResourceServer['accessPolicy'];
}

export interface NewUser {
  email: string;
  password: string;
  connection?: string;
  name?: string;
  emailVerified?: boolean;
}

export class RegistryService {
  constructor(private readonly ctx: AuthContext) {}

  async createClient(input: NewClient): Promise<Client> {
    const client = this.buildClient(input);
    await this.ctx.db.transaction(async (trx) => {
      await this.ctx.repos.clients.insert(client, trx);
      // Auth0 enables every connection for a new application.
      await this.ctx.repos.connections.enableClientOnAll(client.clientId, trx);
    });
    return client;
  }

  /**
   * The client with `input.clientId` (or, without one, the oldest client named `input.name`), created
   * from `input` when there is none: what a start-up script calls on every start. With an id it is safe
   * when several instances seed at once (the insert does nothing on conflict, and everyone reads the one
   * that won); by name, two first starts at once may create two, so give an id where that matters.
   * `updateUrls` sets an existing client's callbacks, logout URLs and origins to the input's (the demo
   * uses it so its URLs follow the issuer); nothing else of an existing client is changed.
   */
  async ensureClient(input: NewClient, options: { updateUrls?: boolean } = {}): Promise<Client> {
    const lookup = async () => (input.clientId ? this.ctx.repos.clients.findById(input.clientId) : this.findClientByName(input.name));
    const existing = await lookup();
    if (existing) return options.updateUrls ? this.updateUrls(existing, input) : existing;
    const client = this.buildClient(input);
    await this.ctx.db.transaction(async (trx) => {
      if (await this.ctx.repos.clients.insertIfAbsent(client, trx)) await this.ctx.repos.connections.enableClientOnAll(client.clientId, trx);
    });
    const stored = await this.ctx.repos.clients.findById(client.clientId);
    if (!stored) throw new Error(`The client ${client.clientId} could not be stored.`);
    return stored;
  }

  private async findClientByName(name: string): Promise<Client | null> {
    const clientId = await this.ctx.repos.clients.findIdByName(name);
    return clientId ? this.ctx.repos.clients.findById(clientId) : null;
  }

  private async updateUrls(client: Client, input: NewClient): Promise<Client> {
    const urls = {
      callbacks: input.callbacks ?? client.callbacks,
      allowedLogoutUrls: input.allowedLogoutUrls ?? client.allowedLogoutUrls,
      webOrigins: input.webOrigins ?? client.webOrigins,
      allowedOrigins: input.allowedOrigins ?? client.allowedOrigins,
    };
    const same = (Object.keys(urls) as (keyof typeof urls)[]).every((k) => JSON.stringify(urls[k]) === JSON.stringify(client[k]));
    if (same) return client;
    const updated: Client = { ...client, ...urls, updatedAt: Date.now() };
    const problems = clientRuleViolations(updated);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.ctx.repos.clients.update(updated);
    return updated;
  }

  private buildClient(input: NewClient): Client {
    const authMethod = input.tokenEndpointAuthMethod ?? defaultAuthMethod(input.appType);
    const now = Date.now();
    const isFirstParty = input.isDynamic ? false : (input.isFirstParty ?? true);
    const mode = isFirstParty ? null : (input.thirdPartySecurityMode ?? this.ctx.options.thirdPartySecurityMode);
    // Strict third-party clients start with Auth0's defaults for them: the code flow and refresh tokens.
    const grantTypes = input.grantTypes ?? (mode === 'strict' ? (['authorization_code', 'refresh_token'] as GrantType[]) : defaultGrantTypes(authMethod));
    const client: Client = {
      clientId: input.clientId ?? newClientId(),
      clientSecret: authMethod === 'none' ? null : (input.clientSecret ?? newClientSecret()),
      name: input.name,
      description: input.description ?? '',
      logoUri: input.logoUri ?? null,
      appType: input.appType,
      tokenEndpointAuthMethod: authMethod,
      // Dynamically registered clients are third-party forever (seeds: Dynamic Client Registration).
      isFirstParty,
      isDynamic: input.isDynamic ?? false,
      callbacks: input.callbacks ?? [],
      allowedLogoutUrls: input.allowedLogoutUrls ?? [],
      webOrigins: input.webOrigins ?? [],
      allowedOrigins: input.allowedOrigins ?? [],
      initiateLoginUri: input.initiateLoginUri ?? null,
      grantTypes,
      jwtAlg: input.jwtAlg ?? 'RS256',
      jwtLifetimeInSeconds: input.jwtLifetimeInSeconds ?? 36000,
      clientMetadata: input.clientMetadata ?? {},
      thirdPartySecurityMode: mode,
      redirectionPolicy: input.redirectionPolicy ?? 'allow_always',
      createdAt: now,
      updatedAt: now,
    };
    const problems = clientRuleViolations(client);
    if (problems.length > 0) throw new ValidationError(problems);
    if (isPublicClient(client) && input.clientSecret) throw new ValidationError(['A public client has no secret.']);
    return client;
  }

  async createResourceServer(input: NewResourceServer): Promise<ResourceServer> {
    const rs = this.buildResourceServer(input);
    await this.ctx.repos.resourceServers.insert(rs);
    return rs;
  }

  /** The API with this identifier, created from `input` when there is none; safe under concurrency. */
  async ensureResourceServer(input: NewResourceServer): Promise<ResourceServer> {
    const existing = await this.ctx.repos.resourceServers.findByIdentifier(input.identifier);
    if (existing) return existing;
    await this.ctx.repos.resourceServers.insertIfAbsent(this.buildResourceServer(input));
    const stored = await this.ctx.repos.resourceServers.findByIdentifier(input.identifier);
    if (!stored) throw new Error(`The API ${input.identifier} could not be stored.`);
    return stored;
  }

  private buildResourceServer(input: NewResourceServer): ResourceServer {
    const now = Date.now();
    return {
      id: randomAlphanumeric(24),
      identifier: input.identifier,
      name: input.name,
      signingAlg: 'RS256',
      tokenLifetime: input.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME,
      allowOfflineAccess: input.allowOfflineAccess ?? false,
      skipConsentForVerifiableFirstPartyClients: input.skipConsentForVerifiableFirstPartyClients ?? false,
      isSystem: input.isSystem ?? false,
      accessPolicy: input.accessPolicy ?? DEFAULT_ACCESS_POLICY,
      scopes: input.scopes ?? [],
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The Management API is a system resource server of its own (identifier `{issuer}api/v2/`). */
  async ensureManagementApi(): Promise<ResourceServer> {
    return this.ensureResourceServer({
      identifier: managementAudience(this.ctx.options.issuer),
      name: 'Management API',
      scopes: MANAGEMENT_SCOPES.map((value) => ({ value, description: value.replace(':', ' ').replace(/_/g, ' ') })),
      isSystem: true,
    });
  }

  /**
   * A machine-to-machine client allowed every Management API scope: the bootstrap behind
   * MANAGEMENT_CLIENT_ID / MANAGEMENT_CLIENT_SECRET and `npm run admin -- create-management-client`.
   * With a given id it is idempotent: the secret is set to the one given.
   */
  async ensureManagementClient(input: { clientId?: string; clientSecret?: string; name?: string } = {}): Promise<Client> {
    if (input.clientSecret !== undefined && input.clientSecret.length < 32) {
      throw new ValidationError(['The management client secret must have at least 32 characters.']);
    }
    const audience = (await this.ensureManagementApi()).identifier;
    let client = input.clientId ? await this.ctx.repos.clients.findById(input.clientId) : null;
    if (client && input.clientSecret && client.clientSecret !== input.clientSecret) {
      client = { ...client, clientSecret: input.clientSecret, updatedAt: Date.now() };
      await this.ctx.repos.clients.update(client);
    }
    const fields = { clientSecret: input.clientSecret, name: input.name ?? 'Management API client', appType: 'non_interactive' as const, grantTypes: ['client_credentials' as const] };
    client ??= input.clientId ? await this.ensureClient({ ...fields, clientId: input.clientId }) : await this.createClient(fields);
    const now = Date.now();
    await this.ctx.repos.clientGrants.insertIfAbsent({ id: newId('cgr'), clientId: client.clientId, audience, scopes: MANAGEMENT_SCOPES, createdAt: now, updatedAt: now });
    const grant = await this.ctx.repos.clientGrants.find(client.clientId, audience);
    if (!grant) throw new Error(`The management client grant for ${client.clientId} could not be stored.`);
    if (MANAGEMENT_SCOPES.some((s) => !grant.scopes.includes(s))) await this.ctx.repos.clientGrants.updateScopes(grant.id, MANAGEMENT_SCOPES, now);
    return client;
  }

  /** The database connection every installation has; created at start. */
  async ensureDefaultConnection(): Promise<Connection> {
    return this.ctx.repos.connections.ensure({
      id: newId('con'),
      name: DEFAULT_CONNECTION_NAME,
      strategy: 'auth0',
      createdAt: Date.now(),
    });
  }

  async createUser(input: NewUser): Promise<User & { userId: string }> {
    const user = await this.buildUser(input);
    await this.ctx.repos.users.insert(user);
    return { ...user, userId: userSubject(user) };
  }

  /** The user with this email in the connection, created when there is none; safe under concurrency. */
  async ensureUser(input: NewUser): Promise<User & { userId: string }> {
    const connection = await this.ctx.repos.connections.findByName(input.connection ?? DEFAULT_CONNECTION_NAME);
    const find = async () => (connection ? this.ctx.repos.users.findByEmail(connection.id, normalizeEmail(input.email)) : null);
    const existing = await find();
    if (existing) return { ...existing, userId: userSubject(existing) };
    await this.ctx.repos.users.insertIfAbsent(await this.buildUser(input));
    const stored = await find();
    if (!stored) throw new Error(`The user ${input.email} could not be stored.`);
    return { ...stored, userId: userSubject(stored) };
  }

  private async buildUser(input: NewUser): Promise<User> {
    const connectionName = input.connection ?? DEFAULT_CONNECTION_NAME;
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    if (!connection) throw new ValidationError([`The connection "${connectionName}" does not exist.`]);
    const email = normalizeEmail(input.email);
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ValidationError(['The email address is not valid.']);
    const problem = checkPassword(input.password);
    if (problem) throw new ValidationError([PASSWORD_PROBLEM_MESSAGES[problem]]);
    const now = Date.now();
    const user: User = {
      id: randomAlphanumeric(24).toLowerCase(),
      connectionId: connection.id,
      email,
      emailVerified: input.emailVerified ?? false,
      passwordHash: await hashPassword(input.password),
      name: input.name ?? email,
      nickname: email.split('@')[0] ?? null,
      picture: null,
      blocked: false,
      lastLogin: null,
      loginsCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    return user;
  }
}
