/** Delivering an authorization response (or error) to the client, in its response mode. */
import type { Response } from 'express';
import type { PageRenderer } from '../http/render.js';
import { allowFormTarget, allowFramingBy } from '../http/security.js';
import type { AuthorizationResponse } from '../services/authorization/outcomes.js';
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
  if (response.responseMode === 'web_message') {
    // Validation made sure this origin is one of the client's web origins.
    const origin = new URL(response.redirectUri).origin;
    allowFramingBy(res, origin);
    await render(res, 'web_message', {
      originJson: scriptJson(origin),
      messageJson: scriptJson({ type: 'authorization_response', response: response.params }),
    });
    return;
  }
  if (response.responseMode === 'form_post') {
    allowFormTarget(res, response.redirectUri);
    await render(res, 'form_post', { action: response.redirectUri, params: response.params });
    return;
  }
  redirect(res, afterPost ? 303 : 302, authorizationResponseUrl(response));
}

/** JSON that can sit inside a <script> element: nothing in it can close the element or start markup. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
