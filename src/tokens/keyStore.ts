/** RS256 signing keys, kept in the database so every instance signs with, and publishes, the same keys. */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { SigningKeysRepository } from '../store/signingKeysRepository.js';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export class KeyStore {
  private keys: SigningKey[] = [];

  constructor(private readonly repository: SigningKeysRepository) {}

  /** Loads the active keys, creating the first one when the database has none. */
  async init(): Promise<void> {
    let stored = await this.repository.listActive();
    if (stored.length === 0) {
      await this.createKey();
      stored = await this.repository.listActive();
    }
    this.keys = await Promise.all(
      stored.map(async (k) => ({
        kid: k.kid,
        alg: 'RS256' as const,
        privateKey: (await importJWK(JSON.parse(k.privateJwk) as JWK, 'RS256')) as CryptoKey,
        publicJwk: JSON.parse(k.publicJwk) as JWK,
      })),
    );
  }

  private async createKey(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
    await this.repository.insert({
      kid,
      alg: 'RS256',
      privateJwk: JSON.stringify(privateJwk),
      publicJwk: JSON.stringify(publicJwk),
      createdAt: Date.now(),
    });
  }

  current(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error('KeyStore.init() has not been called');
    return key;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}
