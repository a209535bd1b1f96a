import { isLocalhostOrLoopback, isVerifiableRedirectUri, matchRedirectUri } from '../../src/domain/redirectUris.js';

describe('S2: exact redirect URI matching', () => {
  const registered = ['https://app.example.com/callback'];
  test.each([
    ['https://app.example.com/callback', true],
    ['https://app.example.com/callback/', false],
    ['https://APP.example.com/callback', false],
    ['https://app.example.com/Callback', false],
    ['https://app.example.com/callback/extra', false],
    ['https://app.example.com/callback?x=1', false],
    ['https://app.example.com/callback#frag', false],
    ['https://app.example.com@evil.com/callback', false],
    ['https://app.example.com.evil.com/callback', false],
    ['http://app.example.com/callback', false],
  ])('%s → %s', (uri, ok) => expect(matchRedirectUri(uri, registered, false)).toBe(ok));

  test('a native app may vary the port of a loopback IP redirect (RFC 8252 §7.3)', () => {
    expect(matchRedirectUri('http://127.0.0.1:51234/cb', ['http://127.0.0.1/cb'], true)).toBe(true);
    expect(matchRedirectUri('http://[::1]:51234/cb', ['http://[::1]:8000/cb'], true)).toBe(true);
    expect(matchRedirectUri('http://127.0.0.1:51234/other', ['http://127.0.0.1/cb'], true)).toBe(false);
    expect(matchRedirectUri('http://127.0.0.1:51234/cb', ['http://127.0.0.1/cb'], false)).toBe(false);
    expect(matchRedirectUri('http://localhost:51234/cb', ['http://localhost/cb'], true)).toBe(false);
  });
});

describe('S15: loopback and verifiable redirect URIs', () => {
  test.each([
    ['http://localhost/cb', true],
    ['http://LOCALHOST:8080/cb', true],
    ['https://a.b.localhost/cb', true],
    ['http://127.0.0.1/cb', true],
    ['http://127.255.0.9:1/cb', true],
    ['http://[::1]/cb', true],
    ['https://localhost.example.com/cb', false],
    ['https://app.example.com/cb', false],
    ['https://128.0.0.1/cb', false],
  ])('%s loopback=%s', (uri, loopback) => expect(isLocalhostOrLoopback(uri)).toBe(loopback));

  test.each([
    ['https://app.example.com/cb', true],
    ['http://app.example.com/cb', false],
    ['com.example.app:/cb', false],
    ['https://localhost/cb', false],
    ['not a url', false],
  ])('%s verifiable=%s', (uri, ok) => expect(isVerifiableRedirectUri(uri)).toBe(ok));
});
