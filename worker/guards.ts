/**
 * Request guards for /v1: JSON content type and body size for POSTs, API keys (when the
 * API_KEYS secret is set; compared in constant time), and the Workers rate limiter (when bound).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { timingSafeEqual } from 'hono/utils/buffer';
import { limitsOf, type Env } from './env.js';
import { ApiError } from './errors.js';

type Guard = MiddlewareHandler<{ Bindings: Env }>;

export const requireJson: Guard = async (c, next) => {
  if (c.req.method === 'POST' && !(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', `send the body as application/json (got ${JSON.stringify(c.req.header('content-type') ?? 'no content type')})`);
  }
  await next();
};

export const limitBody: Guard = async (c, next) => {
  const maxSize = limitsOf(c.env).maxBodyBytes;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `the request body exceeds ${maxSize} bytes`);
    },
  })(c, next);
};

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
const presented = (auth: string | undefined, header: string | undefined) => (auth?.startsWith('Bearer ') ? auth.slice(7).trim() : header?.trim());

export const authenticate: Guard = async (c, next) => {
  const keys = (c.env.API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length) {
    const key = presented(c.req.header('authorization'), c.req.header('x-api-key'));
    let ok = false;
    if (key) for (const k of keys) ok = (await timingSafeEqual(k, key)) || ok; // compare with every key: no early exit
    if (!ok) throw new ApiError(401, 'unauthorized', key ? 'the API key is not valid' : 'an API key is required (Authorization: Bearer <key>)');
  }
  await next();
};

export const rateLimit: Guard = async (c, next) => {
  if (c.env.RATE_LIMITER) {
    const key = presented(c.req.header('authorization'), c.req.header('x-api-key')) ?? c.req.header('cf-connecting-ip') ?? 'anonymous';
    const { success } = await c.env.RATE_LIMITER.limit({ key });
    if (!success) throw new ApiError(429, 'rate_limited', 'too many requests; retry later');
  }
  await next();
};
