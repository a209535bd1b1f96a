/**
 * Every sentence of the pages, as a text key with an English default. A host overrides any of them
 * (to translate, or to change the tone) with the `texts` option; `{name}` placeholders are filled in,
 * and the result is escaped by the template like any other text.
 */
export const DEFAULT_TEXTS = {
  'login.title': 'Sign in',
  'login.lead': 'to continue to {client}',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Continue',
  'consent.title': '{client} is requesting access to your account',
  'consent.signedInAs': 'Signed in as',
  'consent.notYou': 'Not {name}? Sign in as someone else',
  'consent.thirdParty': 'Third-party application: not made by {company}',
  'consent.thirdPartyDynamic': 'Third-party application, registered dynamically: not made by {company}',
  'consent.alreadyAllowed': 'You already allowed: {scopes}.',
  'consent.signingIn': 'signing you in',
  'consent.returnTo': 'After you choose, you will be sent back to {host}.',
  'consent.uncheckHint': 'Untick anything you do not want to allow.',
  'consent.allowedBefore': 'allowed before',
  'consent.nothingAsked': 'It asks for nothing but to know that you signed in.',
  'consent.identifiedBy': 'This application is identified by',
  'consent.localRedirect':
    'After you choose, you will be sent to {host}, a program on this device. Continue only if you started this from that program yourself.',
  'consent.accept': 'Accept',
  'consent.decline': 'Decline',
  'formPost.title': 'Returning to the application…',
  'formPost.noscript': 'JavaScript is off: press Continue.',
  'formPost.submit': 'Continue',
  'webMessage.title': 'Returning to the application',
  'account.title': 'Authorized applications',
  'account.loginTitle': 'Sign in to your account',
  'account.loginLead': 'to see the applications you have authorized',
  'account.none': 'No application has access to your account.',
  'account.revoked': 'Access was revoked: the application can no longer renew its access or use this server, and will have to ask you again.',
  'account.revokeEffect':
    'Revoking stops its refresh tokens and its access to this server at once, and to services that check with us. An access token it already holds may work elsewhere until it expires, within {duration}.',
  'account.allowedOn': '{api} · allowed on {date}',
  'account.knowsYou': 'Knows who you are.',
  'account.revoke': 'Revoke access for {client}',
  'account.thirdParty': 'third-party',
  'signedOut.title': 'You are signed out',
  'signedOut.lead': 'You can close this window.',
  'logoutConfirm.title': 'Sign out of {company}?',
  'logoutConfirm.lead': 'You are signed in as {name}. If you did not ask to sign out, close this window.',
  'logoutConfirm.returnTo': 'After signing out, you will be sent to {host}.',
  'logoutConfirm.submit': 'Sign out',
} as const;

export type TextKey = keyof typeof DEFAULT_TEXTS;
export type Texts = Partial<Record<TextKey, string>>;
export type Translate = (key: TextKey, vars?: Record<string, string>) => string;

export function translator(overrides: Texts): Translate {
  const texts: Record<string, string> = { ...DEFAULT_TEXTS, ...overrides };
  return (key, vars = {}) => (texts[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Colours a host may set; anything but a hex colour is refused, since it ends up in a stylesheet. */
export interface Branding {
  companyName: string;
  logoUrl: string | null;
  primaryColor: string;
  backgroundColor: string;
}

export function checkColor(value: string, name: string): string {
  if (!/^#(?:[0-9a-fA-F]{3}){1,2}$/.test(value)) throw new TypeError(`${name} must be a hex colour such as #3b5bdb`);
  return value;
}

export function themeStylesheet(branding: Branding): string {
  return `:root {\n  --brand: ${branding.primaryColor};\n  --brand-dark: color-mix(in srgb, ${branding.primaryColor} 85%, black);\n  --bg: ${branding.backgroundColor};\n}\n`;
}
