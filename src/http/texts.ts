/**
 * Every sentence of the pages and emails, as a text key with an English default; the other languages
 * are in src/http/locales/ (each must have every key: a test checks). A host overrides any of them with
 * the `texts` option; `{name}` placeholders are filled in, and the result is escaped by the template.
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
  'landing.lead': 'This is an OAuth 2.0 and OpenID Connect authorization server. Applications send you here to sign in.',
  'landing.account': 'The applications you have authorized',
  'landing.discovery': 'OpenID Provider configuration',
  'landing.forDevelopers': '(for developers)',
  'landing.jwks': 'Public signing keys',
  'notFound.title': 'Page not found',
  'notFound.lead': 'There is nothing at this address.',
  'notFound.home': 'Go to the start page',
  'scopes.yourAccount': 'Your account',
  'scope.openid': 'Know who you are (your user ID)',
  'scope.profile': 'Your name, nickname and picture',
  'scope.email': 'Your email address',
  'scope.offline_access': 'Keep access when you are not using the application',
  // Sign-in failures (src/http/loginFailures.ts picks one by the failure's reason).
  'login.missingInput': 'Enter your email and your password.',
  'login.wrongCredentials': 'Wrong email or password.',
  'login.connectionNotEnabled': 'This application is not allowed to sign users in with this connection.',
  'login.blocked': 'This user is blocked. Contact the administrator.',
  'login.tooManyAttempts': 'Too many failed attempts: sign-in is blocked for now; try again in {wait}.',
  'login.sessionChanged': 'Your session changed. Please sign in again.',
  // Error pages. Services raise them in English; src/http/localeMessages.ts finds the key whose
  // English text matches (placeholders included), as gettext does with its msgids.
  'error.badRequest': 'Bad request',
  'error.notUnderstood': 'The request could not be understood.',
  'error.unreadable': 'The request could not be read.',
  'error.bodyMalformed': 'The request body is malformed.',
  'error.bodyTooLarge': 'The request body is too large.',
  'error.bodyMediaType': 'The request body has an unsupported media type.',
  'error.bodyCharset': 'The request body uses an unsupported charset.',
  'error.bodyEncoding': 'The request body uses an unsupported Content-Encoding.',
  'error.bodyTooManyParameters': 'The request body has too many parameters.',
  'error.requestAborted': 'The request was aborted.',
  'error.bodyLength': 'The request body does not match its Content-Length.',
  'error.bodyUnreadable': 'The request body could not be read.',
  'error.nulInPath': 'The request path or query contains a NUL byte.',
  'error.nulInBody': 'The request body contains a NUL byte.',
  'error.serverError': 'Something went wrong',
  'error.tryAgain': 'Please try again in a moment.',
  'error.signedOut': 'You are signed out',
  'error.signInAgain': 'Go back to the application and sign in again.',
  'error.formExpired': 'This form has expired',
  'error.consentFormForeign': 'The consent form was not sent from this session. Nothing was granted.',
  'error.nothingRevoked': 'Nothing was revoked. Reload the page and try again.',
  'error.chooseAcceptOrDecline': 'Choose Accept or Decline.',
  'error.requestExpired': 'This sign-in request has expired',
  'error.requestExpiredUnknown': 'The request is unknown, was already used, or is older than 10 minutes. Go back to the application and sign in again.',
  'error.requestExpiredUsed': 'The request was already used. Go back to the application and sign in again.',
  'error.requestExpiredAnswered': 'The request was already answered. Go back to the application and sign in again.',
  'error.requestExpiredBlocked': 'The account is blocked or was deleted. Go back to the application and sign in again.',
  'error.signInFirst': 'Sign in first',
  'error.signInFirstLead': 'Nothing can be allowed before you sign in for this request. Go back to the application and start again.',
  'error.unknownApplication': 'Unknown application',
  'error.applicationGone': 'The application no longer exists.',
  'error.noSuchClient': 'No application is registered with this client_id.',
  'error.metadataUnusable': "The application's metadata document cannot be used: {reason}",
  'error.accessDeclined': 'Access declined',
  'error.nothingShared': 'Nothing was shared with {client}. You can close this page.',
  'error.cannotContinue': 'The application cannot continue',
  'error.missingClient': 'Missing client',
  'error.missingClientLead': 'The request has no client_id parameter.',
  'error.invalidClient': 'Invalid client',
  'error.invalidClientLead': 'The client_id parameter is malformed or repeated.',
  'error.missingRedirectUri': 'Missing redirect URI',
  'error.missingRedirectUriLead': 'The request has no redirect_uri parameter.',
  'error.invalidRedirectUri': 'Invalid redirect URI',
  'error.invalidRedirectUriLead': 'The redirect_uri parameter is malformed or repeated.',
  'error.callbackMismatch': 'Callback URL mismatch',
  'error.callbackMismatchLead': 'The redirect URI {uri} is not in the list of allowed callback URLs of the application "{client}".',
  'error.originNotAllowed': 'Origin not allowed',
  'error.originNotAllowedLead': 'response_mode=web_message needs the origin of the redirect URI in the Allowed Web Origins of the application "{client}".',
  'error.plainHttp': 'This server is reached over plain HTTP',
  'error.plainHttpLead':
    'The issuer is https, so the sign-in cookie is Secure and a browser will not keep it from this plain-HTTP response. If a TLS-terminating proxy is in front of the server, set the trustProxy option (TRUST_PROXY for npm start) so the forwarded scheme is believed.',
  'error.invalidLogout': 'Invalid logout request',
  'error.logoutParameter': 'A parameter was repeated or malformed.',
  'error.logoutClientMismatch': 'client_id does not match the id_token_hint.',
  'error.logoutNeedsClient': 'post_logout_redirect_uri needs an id_token_hint or a client_id.',
  'error.logoutBadHint': 'The id_token_hint is not an ID token issued by this server.',
  'error.logoutUrlNotAllowed': 'Logout URL not allowed',
  'error.logoutUrlNotAllowedLead': 'The URL "{url}" is not in the application\'s list of allowed logout URLs.',
  'error.logoutNotConfirmed': 'Sign-out not confirmed',
  'error.logoutFormExpired': 'This sign-out form has expired. Sign out again from the application.',
  // Issue 16: the database connection's account pages and emails.
  'login.signup': 'Don\'t have an account? Sign up',
  'login.forgotPassword': 'Forgot password?',
  // Issue 16: upstream identity providers (OIDC connections).
  'login.continueWith': 'Continue with {connection}',
  'login.or': 'or',
  'error.upstreamStateMismatch': 'The answer of the identity provider does not belong to a sign-in started in this browser. Go back to the application and sign in again.',
  'signup.title': 'Create your account',
  'signup.lead': 'to continue to {client}',
  'signup.passwordHint': 'At least 8 characters. Common passwords are refused.',
  'signup.submit': 'Sign up',
  'signup.haveAccount': 'Already have an account? Sign in',
  'signup.disabled': 'Sign-up is not available for this application.',
  'signup.invalidEmail': 'Enter a valid email address.',
  'signup.checkEmailTitle': 'Check your email',
  'signup.checkEmailLead': 'We sent a message to {email}. Open the link in it to verify your address, then sign in.',
  'account.continueSignIn': 'Continue to sign in',
  'account.tooManyRequests': 'Too many requests: try again in {wait}.',
  'password.tooShort': 'The password must have at least 8 characters.',
  'password.tooLong': 'The password must have at most 1024 characters.',
  'password.tooCommon': 'This password is too common: it appears in lists of leaked passwords. Choose another.',
  'reset.title': 'Reset your password',
  'reset.lead': 'Enter your email address and we will send you a link to choose a new password.',
  'reset.submit': 'Send the link',
  'reset.sentLead': 'If an account exists for {email}, we sent it a link to choose a new password.',
  'reset.newTitle': 'Choose a new password',
  'reset.newLead': 'for {email}',
  'reset.newPassword': 'New password',
  'reset.save': 'Set the password',
  'reset.doneTitle': 'Your password was changed',
  'reset.doneLead': 'You were signed out everywhere. Sign in with your new password.',
  'reset.invalidTitle': 'This link cannot be used',
  'reset.invalidLead': 'It was already used, has expired, or a newer one was sent. Ask for a new link.',
  'reset.askAgain': 'Ask for a new link',
  'verify.title': 'Verify your email',
  'verify.lead': 'Enter your email address and we will send you a new verification link.',
  'verify.sentLead': 'If {email} has an account waiting for verification, we sent it a new link.',
  'verify.doneTitle': 'Your email is verified',
  'verify.doneLead': '{email} is verified. You can close this page, or continue to sign in.',
  'verify.invalidLead': 'It was already used or has expired. Ask for a new verification link.',
  'email.verify.subject': 'Verify your email for {company}',
  'email.verify.lead': 'Confirm that {email} is your email address by opening this link:',
  'email.verify.action': 'Verify my email',
  'email.reset.subject': 'Reset your {company} password',
  'email.reset.lead': 'Someone asked to reset the password of the account {email}. To choose a new password, open this link:',
  'email.reset.action': 'Choose a new password',
  'email.existing.subject': 'Someone tried to sign up to {company} with your email',
  'email.existing.lead': 'Someone tried to create an account with {email}, but you already have one. If it was you, sign in; if you forgot your password, choose a new one with this link:',
  'email.existing.action': 'Choose a new password',
  'email.expires': 'This link works once and expires in {duration}.',
  'email.ignore': 'If you did not ask for this, you can ignore this email.',
} as const;

export type TextKey = keyof typeof DEFAULT_TEXTS;
export type Texts = Partial<Record<TextKey, string>>;
/** A placeholder's value: text as is; numbers, dates and durations formatted for the page's locale. */
export type TextVar = string | number | Date | { seconds: number };
export type Translate = (key: TextKey, vars?: Record<string, TextVar>) => string;

/**
 * The `texts` option: flat keys override the English texts (as before there were other languages),
 * and a locale's own object overrides that locale, e.g. `{ 'login.title': 'Log in', fr: { 'login.title': 'Connexion' } }`.
 */
/** The languages shipped, English first (src/http/locales/ holds the others). */
export const LOCALES = ['en', 'fr', 'de', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type TextOverrides = Texts & { [locale in Locale]?: Texts };

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
