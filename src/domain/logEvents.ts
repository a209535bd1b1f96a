/** Audit log events, with Auth0's type codes and shape. */
export const LOG_TYPES = {
  s: 'Success Login',
  f: 'Failed Login',
  fp: 'Failed Login (Incorrect Password)',
  fu: 'Failed Login (Invalid Email/Username)',
  limit_wc: 'Blocked Account',
  slo: 'Success Logout',
  sapi: 'Success API Operation',
  seacft: 'Success Exchange (Authorization Code for Access Token)',
  feacft: 'Failed Exchange (Authorization Code for Access Token)',
  seccft: 'Success Exchange (Client Credentials for Access Token)',
  feccft: 'Failed Exchange (Client Credentials for Access Token)',
  sepft: 'Success Exchange (Password for Access Token)',
  fepft: 'Failed Exchange (Password for Access Token)',
  sertft: 'Success Exchange (Refresh Token for Access Token)',
  fertft: 'Failed Exchange (Refresh Token for Access Token)',
  scpr: 'Success Change Password Request',
  fcpr: 'Failed Change Password Request',
  // Issue 16, the database connection's account flows.
  scp: 'Success Change Password',
  fcp: 'Failed Change Password',
  ss: 'Success Signup',
  fs: 'Failed Signup',
  sv: 'Success Verification Email',
  fv: 'Failed Verification Email',
  svr: 'Success Verification Email Request',
  fvr: 'Failed Verification Email Request',
  // Our extension: Auth0 has no consent events, and an audit of third-party access needs them. The
  // codes are words, so they can never clash with one Auth0 adds (its codes are short abbreviations).
  consent_given: 'Consent Given',
  consent_declined: 'Consent Declined',
  grant_revoked: 'Grant Revoked',
} as const;

export type LogType = keyof typeof LOG_TYPES;

export interface LogEvent {
  logId: string;
  date: number;
  type: LogType;
  description: string;
  clientId: string | null;
  clientName: string | null;
  ip: string | null;
  userAgent: string | null;
  userId: string | null;
  userName: string | null;
  connection: string | null;
  audience: string | null;
  scope: string | null;
  details: Record<string, unknown>;
}

/** Where a request came from, for the log. */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

const EXCHANGE_EVENTS = new Map<string, readonly [LogType, LogType]>([
  ['authorization_code', ['seacft', 'feacft']],
  ['client_credentials', ['seccft', 'feccft']],
  ['password', ['sepft', 'fepft']],
  ['http://auth0.com/oauth/grant-type/password-realm', ['sepft', 'fepft']],
  ['refresh_token', ['sertft', 'fertft']],
]);

/** The token endpoint's event codes for a grant type (success, failure); undefined for any other string. */
export function tokenExchangeEvents(grantType: string): readonly [LogType, LogType] | undefined {
  return EXCHANGE_EVENTS.get(grantType);
}
