/** Everything a request handler may need, built once per createAuthServer call: nothing global. */
import type { Knex } from 'knex';
import type { ResolvedOptions } from './options.js';
import { ClientGrantsRepository } from './store/clientGrantsRepository.js';
import { ClientRegistrationsRepository } from './store/clientRegistrationsRepository.js';
import { ClientsRepository } from './store/clientsRepository.js';
import { CodesRepository } from './store/codesRepository.js';
import { ConnectionsRepository } from './store/connectionsRepository.js';
import { GrantsRepository } from './store/grantsRepository.js';
import { RefreshTokensRepository } from './store/refreshTokensRepository.js';
import { LogsRepository } from './store/logsRepository.js';
import { AuditLog } from './services/auditLog.js';
import { RateLimiter } from './services/rateLimiter.js';
import { RateLimitsRepository } from './store/rateLimitsRepository.js';
import { RegistryCache } from './store/registryCache.js';
import { SecretCipher } from './store/secretCipher.js';
import { ResourceServersRepository } from './store/resourceServersRepository.js';
import { RevokedAccessTokensRepository } from './store/revokedAccessTokensRepository.js';
import { KnexSessionStore } from './store/sessionStore.js';
import { SigningKeysRepository } from './store/signingKeysRepository.js';
import { TransactionsRepository } from './store/transactionsRepository.js';
import { UsersRepository } from './store/usersRepository.js';
import { KeyStore } from './tokens/keyStore.js';
import { TokenSigner } from './tokens/tokenSigner.js';

export interface Repositories {
  clients: ClientsRepository;
  clientGrants: ClientGrantsRepository;
  clientRegistrations: ClientRegistrationsRepository;
  resourceServers: ResourceServersRepository;
  connections: ConnectionsRepository;
  users: UsersRepository;
  grants: GrantsRepository;
  transactions: TransactionsRepository;
  codes: CodesRepository;
  refreshTokens: RefreshTokensRepository;
  revokedAccessTokens: RevokedAccessTokensRepository;
  logs: LogsRepository;
  rateLimits: RateLimitsRepository;
}

export interface AuthContext {
  options: ResolvedOptions;
  db: Knex;
  repos: Repositories;
  sessionStore: KnexSessionStore;
  keys: KeyStore;
  signer: TokenSigner;
  audit: AuditLog;
  /** The abuse limits' counters (in the database, shared by every instance). */
  limiter: RateLimiter;
  /** Clients, APIs and client grants held in memory; see RegistryCache for when they are forgotten. */
  registryCache: RegistryCache;
}

export function createContext(options: ResolvedOptions, db: Knex): AuthContext {
  const logs = new LogsRepository(db);
  const registryCache = new RegistryCache(db, options.registryCacheMs);
  // Signing keys ride on the registry cache's change counter: a rotation anywhere reaches every instance.
  const keys = new KeyStore(new SigningKeysRepository(db), registryCache);
  const rateLimits = new RateLimitsRepository(db);
  return {
    options,
    db,
    repos: {
      clients: new ClientsRepository(db, registryCache, new SecretCipher(options.secretEncryptionKey)),
      clientGrants: new ClientGrantsRepository(db, registryCache),
      clientRegistrations: new ClientRegistrationsRepository(db),
      resourceServers: new ResourceServersRepository(db, registryCache),
      connections: new ConnectionsRepository(db, new SecretCipher(options.secretEncryptionKey)),
      users: new UsersRepository(db),
      grants: new GrantsRepository(db),
      transactions: new TransactionsRepository(db),
      codes: new CodesRepository(db),
      refreshTokens: new RefreshTokensRepository(db),
      revokedAccessTokens: new RevokedAccessTokensRepository(db),
      logs,
      rateLimits,
    },
    sessionStore: new KnexSessionStore(db),
    keys,
    signer: new TokenSigner(options.issuer, keys),
    audit: new AuditLog(logs),
    limiter: new RateLimiter(rateLimits),
    registryCache,
  };
}
