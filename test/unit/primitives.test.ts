import { isValidCodeChallenge, s256, verifyPkce } from '../../src/domain/pkce.js';
import { parseScope, unionScopes, intersectScopes, missingScopes } from '../../src/domain/scopes.js';
import { clientRuleViolations, defaultAuthMethod, defaultGrantTypes } from '../../src/domain/clients.js';
import { hashesInProgress, hashPassword, hashPasswordScrypt, MAX_CONCURRENT_HASHES, needsRehash, verifyPassword } from '../../src/services/passwords.js';

describe('PKCE S256 (RFC 7636 appendix B)', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  test('the RFC example', () => expect(s256(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  test('verify', () => {
    expect(verifyPkce(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(verifyPkce(`${verifier}x`, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
    expect(verifyPkce('short', s256('short'))).toBe(false);
  });
  test('challenge format', () => {
    expect(isValidCodeChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(isValidCodeChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=')).toBe(false);
  });
});

describe('scopes', () => {
  test('parse', () => {
    expect(parseScope('openid  profile openid')).toEqual(['openid', 'profile']);
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('bad"scope')).toBeNull();
    expect(parseScope('bad\\scope')).toBeNull();
  });
  test('set arithmetic keeps request order', () => {
    expect(missingScopes(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
    expect(unionScopes(['a'], ['b', 'a'])).toEqual(['a', 'b']);
    expect(intersectScopes(['c', 'a', 'b'], ['a', 'c'])).toEqual(['c', 'a']);
  });
});

describe('client rules (Auth0 defaults)', () => {
  test('spa and native are public; regular_web and non_interactive are confidential', () => {
    expect(defaultAuthMethod('spa')).toBe('none');
    expect(defaultAuthMethod('native')).toBe('none');
    expect(defaultAuthMethod('regular_web')).toBe('client_secret_post');
    expect(defaultAuthMethod('non_interactive')).toBe('client_secret_post');
    expect(defaultGrantTypes('none')).not.toContain('client_credentials');
    expect(defaultGrantTypes('client_secret_post')).toContain('client_credentials');
  });
  test('a public client cannot use HS256 or client_credentials; names and callbacks are checked', () => {
    const base = { tokenEndpointAuthMethod: 'none' as const, grantTypes: ['authorization_code' as const], jwtAlg: 'RS256' as const, name: 'ok', callbacks: [] };
    expect(clientRuleViolations(base)).toEqual([]);
    expect(clientRuleViolations({ ...base, jwtAlg: 'HS256' })).toHaveLength(1);
    expect(clientRuleViolations({ ...base, grantTypes: ['client_credentials'] })).toHaveLength(1);
    expect(clientRuleViolations({ ...base, name: '<b>' })).toHaveLength(1);
    expect(clientRuleViolations({ ...base, callbacks: ['/relative', 'https://a.example/cb#x', 'javascript:alert(1)'] })).toHaveLength(3);
  });
});

describe('S25: passwords are hashed with Argon2id; scrypt hashes of earlier versions still verify', () => {
  test('Argon2id with OWASP parameters: hash, verify, and no rehash needed', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    expect(await verifyPassword('x', '$argon2id$v=19$m=19456,t=2,p=1$garbage')).toBe(false);
  });

  test('scrypt: hash and verify, marked for rehash', async () => {
    const hash = await hashPasswordScrypt('correct horse', 1024);
    expect(needsRehash(hash)).toBe(true);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  test('a burst of hashes runs a bounded number at a time, and every one completes', async () => {
    let done = false;
    let most = 0;
    const burst = Promise.all(Array.from({ length: MAX_CONCURRENT_HASHES * 3 }, (_, i) => hashPassword(`password ${i}`))).finally(() => {
      done = true;
    });
    for (let i = 0; i < 100_000 && !done; i++) {
      most = Math.max(most, hashesInProgress());
      await new Promise((resolve) => setImmediate(resolve));
    }
    const hashes = await burst;
    expect(most).toBe(MAX_CONCURRENT_HASHES);
    expect(new Set(hashes).size).toBe(MAX_CONCURRENT_HASHES * 3);
    expect(await verifyPassword('password 0', hashes[0] ?? '')).toBe(true);
  });
});
