/**
 * Client secrets at rest: AES-256-GCM with the operator's `secretEncryptionKey`. The client_id is the
 * associated data, so a sealed secret copied onto another client's row does not open there.
 *
 * Without a key, secrets are stored as they are (and the README says so): deriving a key from the
 * session secrets would tie the database to them — the default session secret is random per process,
 * and rotating session secrets would make every stored client secret unreadable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

export class SecretCipher {
  constructor(private readonly key: Buffer | null) {
    if (key && key.length !== 32) throw new TypeError('secretEncryptionKey must be 32 bytes');
  }

  get encrypting(): boolean {
    return this.key !== null;
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  /** What to store: sealed when a key is configured, the plain secret otherwise. */
  seal(secret: string | null, clientId: string): string | null {
    if (secret === null || !this.key) return secret;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(clientId, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  /**
   * The plain secret from a stored value; rows written before encryption was configured are plain.
   * A sealed value that does not open (no key, another key, an altered row) is a SecretUnreadableError.
   */
  open(stored: string | null, clientId: string): string | null {
    if (stored === null || !SecretCipher.isSealed(stored)) return stored;
    if (!this.key) throw new SecretUnreadableError(clientId, 'it is encrypted, but no secretEncryptionKey is configured');
    const [iv, body, tag] = stored.slice(PREFIX.length).split('.');
    if (iv === undefined || body === undefined || tag === undefined) throw new SecretUnreadableError(clientId, 'the stored value is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(clientId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM's tag check: the wrong key, or a value altered or moved from another client's row.
      throw new SecretUnreadableError(clientId, 'it does not decrypt with the configured secretEncryptionKey (the key changed, or the stored value was altered)');
    }
  }
}

/** A sealed secret that cannot be opened: the client cannot authenticate, and the operator must be told why. */
export class SecretUnreadableError extends Error {
  constructor(
    readonly clientId: string,
    readonly reason: string,
  ) {
    super(`The secret of client ${clientId} cannot be read: ${reason}.`);
    this.name = 'SecretUnreadableError';
  }
}

/** `secretEncryptionKey` / SECRET_ENCRYPTION_KEY: 32 bytes, base64 (or base64url). */
export function parseSecretEncryptionKey(value: string | undefined): Buffer | null {
  if (value === undefined || value === '') return null;
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    throw new TypeError('secretEncryptionKey must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  return key;
}
