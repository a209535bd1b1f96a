import { CONSENT_CHECKS, decideConsent, type ConsentContext } from '../../src/domain/consentPolicy.js';

const REQUESTED = ['openid', 'read:posts', 'write:posts'];
const GRANTS = { none: [], partial: ['openid', 'read:posts'], covering: ['openid', 'read:posts', 'write:posts', 'extra'] } as const;
const HOSTS = {
  'real https host': 'https://app.contoso.example/cb',
  localhost: 'http://localhost:3000/cb',
  'https localhost': 'https://localhost/cb',
  '*.localhost': 'https://dev.app.localhost/cb',
  '127.0.0.1': 'http://127.0.0.1:8080/cb',
  '127.10.20.30': 'https://127.10.20.30/cb',
  '[::1]': 'http://[::1]:8080/cb',
  'custom scheme': 'com.contoso.app:/callback',
} as const;

function ctx(over: Partial<Omit<ConsentContext, 'prompt'>> & { grant?: keyof typeof GRANTS; prompt?: string[] }): ConsentContext {
  const { grant: _grant, prompt: _prompt, ...rest } = over;
  return {
    client: { isFirstParty: true },
    redirectUri: HOSTS['real https host'],
    api: { allowSkipConsent: true },
    requestedScopes: REQUESTED,
    grantedScopes: GRANTS[over.grant ?? 'none'],
    rejectedScopes: [],
    grantExists: (over.grant ?? 'none') !== 'none',
    ...rest,
    prompt: new Set(over.prompt ?? []),
  };
}

describe('consent policy: hand-written cases from the seeds', () => {
  test.each([
    ['third-party, no grant', ctx({ client: { isFirstParty: false } }), 'ask', ['third_party_not_approved', 'third_party_client']],
    ['third-party, covering grant', ctx({ client: { isFirstParty: false }, grant: 'covering' }), 'skip', []],
    ['first-party, real host, API allows skipping', ctx({}), 'skip', []],
    ['first-party, localhost', ctx({ redirectUri: HOSTS.localhost }), 'ask', ['non_verifiable_redirect_uri']],
    ['first-party, API forbids skipping', ctx({ api: { allowSkipConsent: false } }), 'ask', ['api_does_not_allow_skipping']],
    ['first-party, covering grant, prompt=consent', ctx({ grant: 'covering', prompt: ['consent'] }), 'ask', ['prompt_consent']],
    ['third-party on localhost, API forbids', ctx({ client: { isFirstParty: false }, redirectUri: HOSTS.localhost, api: { allowSkipConsent: false } }), 'ask',
      ['third_party_not_approved', 'third_party_client', 'non_verifiable_redirect_uri', 'api_does_not_allow_skipping']],
  ])('S15/S16: %s → %s', (_name, context, kind, reasons) => {
    const decision = decideConsent(context);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'ask') expect(decision.reasons.map((r) => r.name)).toEqual(reasons);
  });

  test('offline_access not yet granted asks even a verifiable first-party client; once granted it does not', () => {
    const requested = [...REQUESTED, 'offline_access'];
    const asking = decideConsent({ ...ctx({}), requestedScopes: requested });
    expect(asking).toMatchObject({ kind: 'ask', scopesToAsk: requested });
    if (asking.kind === 'ask') expect(asking.reasons.map((r) => r.name)).toEqual(['offline_access_requested']);
    expect(decideConsent({ ...ctx({}), requestedScopes: requested, grantedScopes: ['offline_access'] }).kind).toBe('skip');
  });

  test('S16: a partial grant asks only for the missing scopes and reports what was granted', () => {
    const decision = decideConsent(ctx({ client: { isFirstParty: false }, grant: 'partial' }));
    expect(decision).toMatchObject({ kind: 'ask', scopesToAsk: ['write:posts'], previouslyGranted: ['openid', 'read:posts'] });
  });

  test('prompt=consent asks for every requested scope, even those granted before', () => {
    const decision = decideConsent(ctx({ grant: 'partial', prompt: ['consent'] }));
    expect(decision).toMatchObject({ kind: 'ask', scopesToAsk: REQUESTED, previouslyGranted: ['openid', 'read:posts'] });
  });

  test('a third-party app the user never approved asks even for a request with no scope; once approved, it does not', () => {
    const none = { ...ctx({ client: { isFirstParty: false } }), requestedScopes: [] };
    const decision = decideConsent(none);
    expect(decision).toMatchObject({ kind: 'ask', scopesToAsk: [] });
    if (decision.kind === 'ask') expect(decision.reasons.map((r) => r.name)).toEqual(['third_party_not_approved']);
    expect(decideConsent({ ...none, grantExists: true }).kind).toBe('skip');
  });

  test('a refused scope is not asked again, until prompt=consent', () => {
    const refused = { ...ctx({ client: { isFirstParty: false }, grant: 'partial' }), rejectedScopes: ['write:posts'] };
    expect(decideConsent(refused).kind).toBe('skip');
    expect(decideConsent({ ...refused, prompt: new Set(['consent']) })).toMatchObject({ kind: 'ask', scopesToAsk: REQUESTED });
  });

  test('every check names its reason and its prompt=none error', () => {
    for (const check of CONSENT_CHECKS) {
      expect(check.reason.length).toBeGreaterThan(10);
      expect(check.promptNoneError).toBe('consent_required');
    }
  });
});

describe('consent policy: every combination', () => {
  const parties = [true, false];
  const switches = [true, false];
  const prompts = [[], ['none'], ['login'], ['consent']];
  const rows: [string, ConsentContext, boolean][] = [];
  for (const isFirstParty of parties)
    for (const allowSkipConsent of switches)
      for (const [hostName, redirectUri] of Object.entries(HOSTS))
        for (const grant of Object.keys(GRANTS) as (keyof typeof GRANTS)[])
          for (const prompt of prompts) {
            const verifiable = hostName === 'real https host';
            const covered = grant === 'covering';
            // The rule in words: prompt=consent always asks; otherwise ask unless the grant covers the
            // request or a verifiable first-party client uses an API that allows skipping.
            const asks = prompt.includes('consent') || (!covered && !(isFirstParty && allowSkipConsent && verifiable));
            rows.push([
              `${isFirstParty ? 'first' : 'third'}-party, skip ${allowSkipConsent ? 'on' : 'off'}, ${hostName}, ${grant} grant, prompt=${prompt.join(' ') || '(none)'}`,
              ctx({ client: { isFirstParty }, api: { allowSkipConsent }, redirectUri, grant, prompt }),
              asks,
            ]);
          }
  test('the table has every combination', () => expect(rows).toHaveLength(2 * 2 * 8 * 3 * 4));
  test.each(rows)('%s', (_name, context, asks) => {
    expect(decideConsent(context).kind).toBe(asks ? 'ask' : 'skip');
  });
});
