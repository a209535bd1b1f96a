/** Rendering a dashboard page: the layout's data (who is signed in, the nav, the CSRF token, a notice). */
import type { Request, Response } from 'express';
import type { AuthContext } from '../context.js';
import { createRenderer, type PageRenderer } from '../http/render.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import { APP_TYPE_INFO, DASHBOARD_TEXTS, type DashboardTextKey } from './texts.js';

const NOTICES = new Set<string>(['saved', 'created', 'deleted', 'rotated', 'blocked', 'unblocked', 'revoked', 'adminGranted', 'adminRevoked', 'passwordSet', 'resetSent']);

/** A log event's badge: failures and blocks stand out, consent refused or taken back is neutral. */
export function logTone(type: unknown): 'good' | 'bad' | 'neutral' {
  const code = String(type);
  if (code.startsWith('f') || code === 'limit_wc') return 'bad';
  return code === 'consent_declined' || code === 'grant_revoked' ? 'neutral' : 'good';
}

export class DashboardPage {
  private readonly renderer: PageRenderer;
  private readonly secret: string;
  private readonly issuer: string;

  /** `logoutUrl`: ends the server's sign-in too, so that someone else can sign in. */
  constructor(ctx: AuthContext, private readonly logoutUrl: string) {
    this.issuer = ctx.options.issuer;
    this.renderer = createRenderer(ctx.options.viewsDirectory, ctx.options.branding, ctx.options.texts);
    this.secret = ctx.options.sessionSecrets[0] ?? '';
  }

  csrf(req: Request): string {
    return csrfToken(this.secret, req.sessionID, 'dashboard');
  }

  checkCsrf(req: Request): boolean {
    return verifyCsrfToken(this.secret, req.sessionID, 'dashboard', (req.body as Record<string, unknown> | undefined)?._csrf);
  }

  /** A page inside the layout; `section` marks the nav entry. */
  async render(req: Request, res: Response, view: string, section: string, title: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? DASHBOARD_TEXTS[req.query.notice as DashboardTextKey] : null;
    await this.renderer(
      res,
      `dashboard/${view}`,
      {
        title,
        section,
        txt: DASHBOARD_TEXTS,
        appTypes: APP_TYPE_INFO,
        base: req.baseUrl,
        issuer: this.issuer,
        admin: req.session.dashboard?.admin ?? null,
        csrf: this.csrf(req),
        notice,
        logTone,
        error: null,
        ...data,
      },
      status,
    );
  }

  /** A page outside the layout (sign-in problems, refusals). */
  async message(res: Response, status: number, key: DashboardTextKey, detail = ''): Promise<void> {
    const req = res.req;
    await this.renderer(res, 'dashboard/message', { title: DASHBOARD_TEXTS[key], txt: DASHBOARD_TEXTS, base: req.baseUrl, key, detail, logoutUrl: this.logoutUrl }, status);
  }
}
