/** Delivering an authorization response (or error) to the client, in its response mode. */
import type { Response } from 'express';
import type { PageRenderer } from '../http/render.js';
import { originForCsp } from '../http/security.js';
import type { AuthorizationResponse } from '../services/authorizeService.js';
import { redirect } from '../http/responses.js';

export function authorizationResponseUrl(response: AuthorizationResponse): string {
  const url = new URL(response.redirectUri);
  if (response.responseMode === 'fragment') {
    url.hash = new URLSearchParams(response.params).toString();
  } else {
    for (const [name, value] of Object.entries(response.params)) url.searchParams.append(name, value);
  }
  return url.toString();
}

/** 303 after a POST (so the browser does not resend the form), 302 after a GET. */
export async function sendAuthorizationResponse(
  res: Response,
  render: PageRenderer,
  response: AuthorizationResponse,
  afterPost: boolean,
): Promise<void> {
  if (response.responseMode === 'form_post') {
    const origin = originForCsp(response.redirectUri);
    if (origin) (res.locals.formActionOrigins as string[]).push(origin);
    await render(res, 'form_post', { action: response.redirectUri, params: response.params });
    return;
  }
  redirect(res, afterPost ? 303 : 302, authorizationResponseUrl(response));
}
