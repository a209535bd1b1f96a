/**
 * Behind a TLS-terminating proxy: the scheme and the client's address, read from X-Forwarded-* only
 * when the hop that sent them is trusted (the `trustProxy` option), for this router's requests only,
 * so the host app's own `trust proxy` setting is left as the host chose it.
 */
import type { TLSSocket } from 'node:tls';
import type { Request, RequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import { UntrustedRequestError } from '../domain/errors.js';

type Trust = (address: string, hop: number) => boolean;

export function trustedProxy(trust: Trust): RequestHandler {
  return (req, _res, next) => {
    const protocol = forwardedProtocol(req, trust);
    // The getters Express puts on every request read the app's setting; own properties shadow them.
    Object.defineProperties(req, {
      protocol: { value: protocol, configurable: true },
      secure: { value: protocol === 'https', configurable: true },
      ip: { value: proxyaddr(req, trust), configurable: true },
    });
    next();
  };
}

function forwardedProtocol(req: Request, trust: Trust): string {
  const direct = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (!trust(req.socket.remoteAddress ?? '', 0)) return direct;
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first || direct;
}

/**
 * A Secure cookie is never stored from a plain-HTTP response, so a sign-in over HTTP with an https
 * issuer would fail silently at the next step ("This sign-in request has expired"). Say why instead.
 */
export function requireSecureTransport(secureCookie: boolean): RequestHandler {
  return (req, _res, next) => {
    if (!secureCookie || req.secure) return next();
    next(
      new UntrustedRequestError(
        'This server is reached over plain HTTP',
        'The issuer is https, so the sign-in cookie is Secure and a browser will not keep it from this plain-HTTP response. ' +
          'If a TLS-terminating proxy is in front of the server, set the trustProxy option (TRUST_PROXY for npm start) so the forwarded scheme is believed.',
      ),
    );
  };
}
