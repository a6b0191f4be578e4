/**
 * Who may call: the IP allow-list (403 code 83), the login and the sliding session, presented as the
 * `BEARER_TOKEN` cookie or in `Authorization` (both spellings of the seed).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TUPAY_DESTROY_STATUS, TUPAY_SESSION_COOKIE, tupayTokenFromAuthorization, tupayTokenFromCookieHeader } from '../../providers/tupay/assumptions.js';
import type { SandboxRuntime } from '../server.js';
import { MERCHANT } from './records.js';
import type { TupayState } from './state.js';

export interface TupayCredentials {
  accessKey: string;
  secretKey: string;
}

type Runtime = SandboxRuntime<TupayState>;
type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

export function sendError(reply: FastifyReply, runtime: Runtime, status: number, message: string): FastifyReply {
  return reply.code(status).send(runtime.errorBody(status, message));
}

/** The caller's address, IPv4-mapped IPv6 (`::ffff:127.0.0.1`) written as plain IPv4. */
export function clientIp(request: FastifyRequest): string {
  return request.ip.replace(/^::ffff:/, '');
}

/** The session token: the cookie first (what clients send), then either `Authorization` form. */
export function sessionToken(request: FastifyRequest): string | undefined {
  return tupayTokenFromCookieHeader(request.headers.cookie) ?? tupayTokenFromAuthorization(request.headers.authorization);
}

export function ipGuard(runtime: Runtime): Hook {
  return async (request, reply) => {
    const allowed = runtime.state.allowedIps;
    if (allowed && !allowed.includes(clientIp(request))) {
      return sendError(reply, runtime, 403, `IP address ${clientIp(request)} is not whitelisted`);
    }
    return undefined;
  };
}

/** Checking the session also renews it: the registry is sliding. */
export function sessionGuard(runtime: Runtime): Hook {
  return async (request, reply) => {
    const check = runtime.tokens.check(sessionToken(request));
    if (check.ok) return undefined;
    const message = check.reason === 'missing' ? 'Authentication required: log in first' : 'Session expired or invalid: log in again';
    return sendError(reply, runtime, 401, message);
  };
}

/** The cookie as a real server sets it; `Secure` only where the connection is (HTTPS). */
function sessionCookie(token: string, request: FastifyRequest): string {
  return `${TUPAY_SESSION_COOKIE}=${token}; Path=/; HttpOnly${request.protocol === 'https' ? '; Secure' : ''}`;
}

export function loginHandler(runtime: Runtime, credentials: TupayCredentials) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.accessKey !== 'string' || typeof body.secretKey !== 'string') {
      return sendError(reply, runtime, 400, 'accessKey and secretKey are required');
    }
    if (body.accessKey !== credentials.accessKey || body.secretKey !== credentials.secretKey) {
      return sendError(reply, runtime, 401, 'Invalid credentials');
    }
    const { token } = runtime.tokens.issue(body.accessKey);
    reply.header('set-cookie', sessionCookie(token, request));
    return { idUser: MERCHANT.idUser, username: body.accessKey, idMerchant: MERCHANT.idMerchant };
  };
}

/** Runs after `sessionGuard`: the token is known and valid. */
export function destroyHandler(runtime: Runtime) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    runtime.tokens.revoke(sessionToken(request)!);
    reply.header('set-cookie', `${TUPAY_SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly`);
    return reply.code(TUPAY_DESTROY_STATUS).send();
  };
}
