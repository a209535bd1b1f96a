/**
 * The account emails, text and simple HTML, every sentence a text key (src/http/texts.ts) in the
 * language of the page the person asked from: the router hands its translator in.
 */
import type { TextKey, Translate } from '../http/texts.js';
import type { Mail } from './mailer.js';

export type AccountMailKind = 'verify' | 'reset' | 'existing';

const KEYS: Record<AccountMailKind, { subject: TextKey; lead: TextKey; action: TextKey }> = {
  verify: { subject: 'email.verify.subject', lead: 'email.verify.lead', action: 'email.verify.action' },
  reset: { subject: 'email.reset.subject', lead: 'email.reset.lead', action: 'email.reset.action' },
  existing: { subject: 'email.existing.subject', lead: 'email.existing.lead', action: 'email.existing.action' },
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function accountMail(kind: AccountMailKind, t: Translate, to: string, link: string, vars: { company: string; lifetimeSeconds: number }): Mail {
  const keys = KEYS[kind];
  const subject = t(keys.subject, { company: vars.company });
  const lead = t(keys.lead, { email: to, company: vars.company });
  const action = t(keys.action);
  const expires = t('email.expires', { duration: { seconds: vars.lifetimeSeconds } });
  const ignore = t('email.ignore');
  const text = `${lead}\n\n${link}\n\n${expires}\n${ignore}\n\n— ${vars.company}\n`;
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1d1f24">',
    `<p>${escapeHtml(lead)}</p>`,
    `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#3b5bdb;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>`,
    `<p style="font-size:14px;color:#555">${escapeHtml(expires)} ${escapeHtml(ignore)}</p>`,
    `<p style="font-size:14px;color:#555">${escapeHtml(link)}</p>`,
    `<p>— ${escapeHtml(vars.company)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to, subject, text, html, link };
}
