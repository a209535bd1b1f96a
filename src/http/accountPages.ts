/**
 * What the account pages (sign-up, reset, verification) share: the translator of the emails (the
 * page's language), the 429 answer, and the text of a refused password.
 */
import type { Request, Response } from 'express';
import type { PasswordProblem } from '../domain/passwordPolicy.js';
import type { ResolvedOptions } from '../options.js';
import type { PageText } from './localeMessages.js';
import { localeTranslator, negotiateLocale } from './locale.js';
import type { TextKey, Translate } from './texts.js';

/** The emails go out in the language the page is shown in: `ui_locales`, then Accept-Language. */
export function emailTranslator(options: ResolvedOptions, req: Request, res: Response): Translate {
  return localeTranslator(negotiateLocale(res.locals.uiLocales as string[] | undefined, req, options.defaultLocale), options.texts);
}

const PASSWORD_TEXTS: Readonly<Record<PasswordProblem, TextKey>> = {
  too_short: 'password.tooShort',
  too_long: 'password.tooLong',
  too_common: 'password.tooCommon',
};

export function passwordProblemText(problem: PasswordProblem): PageText {
  return { key: PASSWORD_TEXTS[problem] };
}

/** Sets Retry-After and gives the page's status and message. */
export function throttledPage(res: Response, retryAfterSeconds: number): { status: number; text: PageText } {
  res.set('Retry-After', String(retryAfterSeconds));
  return { status: 429, text: { key: 'account.tooManyRequests', vars: { wait: { seconds: retryAfterSeconds } } } };
}

/** The login page of an authorization, to continue it after an account page. */
export function loginHref(req: Request, txId: string | null): string | null {
  return txId ? `${req.baseUrl}/u/login?tx=${encodeURIComponent(txId)}` : null;
}
