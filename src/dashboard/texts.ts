/**
 * The dashboard's words, kept apart from src/http/texts.ts: the dashboard is for operators and stays
 * English, so the sign-in pages' translation catalogs are not expected to cover it.
 */
export const DASHBOARD_TEXTS = {
  product: 'Dashboard',
  navOverview: 'Overview',
  navApplications: 'Applications',
  navApis: 'APIs',
  navUsers: 'Users',
  navLogs: 'Logs',
  signOut: 'Sign out',
  skipToContent: 'Skip to content',
  signInExpired: 'This sign-in has expired or was started in another browser. Start again.',
  signInRefused: 'The sign-in did not complete.',
  notAnAdministrator: 'You are signed in, but this account does not hold the administrator role.',
  notAnAdministratorHelp: 'Ask an administrator to grant it, or run: npm run admin -- grant-admin EMAIL',
  signInAgain: 'Sign in again',
  csrfRefused: 'This form has expired. Go back, reload the page and submit it again.',
  sessionEnded: 'Your administrator access has ended. Sign in again.',
  notFound: 'Not found',
  notFoundHelp: 'It may have been deleted, or the link is wrong.',
  saved: 'Saved.',
  created: 'Created.',
  deleted: 'Deleted.',
  rotated: 'The secret was rotated: applications using the old one must be updated now.',
  blocked: 'The user is blocked: they cannot sign in and get no new tokens.',
  unblocked: 'The user is unblocked.',
  revoked: 'The grant was revoked, with the refresh tokens issued under it.',
  adminGranted: 'The user is now an administrator.',
  adminRevoked: 'The user is no longer an administrator.',
  passwordSet: 'The password was changed.',
  resetSent: 'A password reset email is on its way to the user.',
  somethingWrong: 'The server could not do that.',
} as const;

export type DashboardTextKey = keyof typeof DASHBOARD_TEXTS;

export const APP_TYPE_INFO: Record<string, { label: string; explain: string; examples: string }> = {
  regular_web: {
    label: 'Regular Web Application',
    explain: 'A server-side app that keeps a client secret and signs users in with the authorization code flow.',
    examples: 'Express, Next.js, Rails, Django, ASP.NET',
  },
  spa: {
    label: 'Single Page Application',
    explain: 'JavaScript that runs in the browser: it cannot keep a secret, so it uses the code flow with PKCE.',
    examples: 'React, Vue, Angular, Svelte',
  },
  native: {
    label: 'Native',
    explain: 'A mobile or desktop app: no secret, PKCE, and a custom-scheme or loopback callback.',
    examples: 'iOS, Android, Electron, CLI tools',
  },
  non_interactive: {
    label: 'Machine to Machine',
    explain: 'A service or script with no user: it gets tokens for an API with its own credentials (client credentials).',
    examples: 'Cron jobs, back-end services, CI',
  },
};
