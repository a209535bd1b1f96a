/**
 * RS256 signing keys, kept in the database so every instance signs with, and publishes, the same keys.
 *
 * Auth0's model: a `current` key signs; a `next` key is already published, so when a rotation makes it
 * current, every verifier that fetched the JWKS since it was created knows it; `previous` keys stay
 * published (tokens they signed keep verifying) until revoked. Instances learn of a rotation made
 * elsewhere through the registry cache: triggers on signing_keys bump its change counter, so within
 * `registryCacheMs` every instance signs with the new current key.
 */
import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { RegistryCache } from '../store/registryCache.js';
import type { SigningKeysRepository, StoredSigningKey } from '../store/signingKeysRepository.js';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  /** Imported once per key: signing is then a synchronous node:crypto call, with no JWK parse or WebCrypto job. */
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** What the Management API shows of a key: never the private half. */
export interface SigningKeyInfo {
  kid: string;
  state: StoredSigningKey['state'];
  publicJwk: JWK;
  thumbprint: string;
  createdAt: number;
  currentSince: number | null;
  currentUntil: number | null;
  revokedAt: number | null;
}

const CACHE_KEY = 'signing-keys';

export class KeyStore {
  private currentKey: SigningKey | null = null;
  private published: JWK[] = [];
  /** The rows the keys above were built from (the cache hands back the same object until a change). */
  private loadedFrom: object | null = null;
  private readonly imported = new Map<string, KeyObject>();

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly cache: RegistryCache,
  ) {}

  /** At start, under the bootstrap lock: a current key and a next key exist, then they are loaded. */
  async init(): Promise<void> {
    const stored = await this.repository.listPublished();
    if (!stored.some((k) => k.state === 'current')) await this.repository.insert({ ...(await newKeyMaterial()), state: 'current', createdAt: Date.now(), currentSince: Date.now() });
    if (!stored.some((k) => k.state === 'next')) await this.repository.insert({ ...(await newKeyMaterial()), state: 'next', createdAt: Date.now() + 1, currentSince: null });
    this.cache.invalidate();
    await this.refresh();
  }

  /** Cheap unless the registry's change counter moved: then the keys are read again. */
  async refresh(): Promise<void> {
    const snapshot = await this.cache.get(CACHE_KEY, async () => ({ keys: await this.repository.listPublished() }));
    if (!snapshot || snapshot === this.loadedFrom) return;
    const current = snapshot.keys.find((k) => k.state === 'current');
    if (!current) throw new Error('No current signing key: run KeyStore.init()');
    let privateKey = this.imported.get(current.kid);
    if (!privateKey) {
      privateKey = createPrivateKey({ key: JSON.parse(current.privateJwk) as JsonWebKey, format: 'jwk' });
      this.imported.set(current.kid, privateKey);
    }
    this.currentKey = { kid: current.kid, alg: 'RS256', privateKey, publicJwk: JSON.parse(current.publicJwk) as JWK };
    // Current first: verifiers that try keys in order find the signing key first.
    const order = { current: 0, next: 1, previous: 2, revoked: 3 } as const;
    this.published = [...snapshot.keys].sort((a, b) => order[a.state] - order[b.state]).map((k) => JSON.parse(k.publicJwk) as JWK);
    this.loadedFrom = snapshot;
  }

  current(): SigningKey {
    if (!this.currentKey) throw new Error('KeyStore.init() has not been called');
    return this.currentKey;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published };
  }

  /** The next key becomes current, the current one previous, and a new next key is made. */
  async rotate(): Promise<SigningKeyInfo> {
    const now = Date.now();
    const rotated = await this.repository.rotate({ ...(await newKeyMaterial()), state: 'next', createdAt: now, currentSince: null }, now);
    if (!rotated) throw new KeyRotationConflict();
    this.cache.invalidate();
    await this.refresh();
    const current = await this.find(this.current().kid);
    if (!current) throw new KeyRotationConflict();
    return current;
  }

  /** Takes a previous key out of the JWKS: null when there is no such key, false when it is not a previous one. */
  async revoke(kid: string): Promise<SigningKeyInfo | null | false> {
    const key = await this.repository.find(kid);
    if (!key) return null;
    if (!(await this.repository.revoke(kid, Date.now()))) return false;
    this.imported.delete(kid);
    this.cache.invalidate();
    await this.refresh();
    return this.find(kid);
  }

  async list(): Promise<SigningKeyInfo[]> {
    return Promise.all((await this.repository.listAll()).map(describe));
  }

  async find(kid: string): Promise<SigningKeyInfo | null> {
    const key = await this.repository.find(kid);
    return key ? describe(key) : null;
  }
}

export class KeyRotationConflict extends Error {
  constructor() {
    super('Another rotation of the signing keys is under way; try again.');
  }
}

async function describe(key: StoredSigningKey): Promise<SigningKeyInfo> {
  const publicJwk = JSON.parse(key.publicJwk) as JWK;
  return {
    kid: key.kid,
    state: key.state,
    publicJwk,
    thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256'),
    createdAt: key.createdAt,
    currentSince: key.currentSince,
    currentUntil: key.currentUntil,
    revokedAt: key.revokedAt,
  };
}

async function newKeyMaterial(): Promise<{ kid: string; alg: string; privateJwk: string; publicJwk: string }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  return { kid, alg: 'RS256', privateJwk: JSON.stringify(privateJwk), publicJwk: JSON.stringify(publicJwk) };
}
