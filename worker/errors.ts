/**
 * Every error is JSON `{ error: { code, message, path? } }` with its status. Model-side errors
 * (TrmError: a bad puzzle, an unknown task) are 422; HTTP-level ones carry their own status;
 * anything unexpected is logged and answered 500 without internals.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { TrmError } from '../model/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly path?: (string | number)[],
  ) {
    super(message);
  }
}

export const errorBody = (code: string, message: string, path?: readonly (string | number)[]) => ({ error: { code, message, ...(path?.length ? { path: [...path] } : {}) } });

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.path), err.status);
  if (err instanceof TrmError) return c.json(errorBody(err.code, err.message, err.path), 422);
  if (err instanceof HTTPException) {
    const malformed = err.status === 400 && /JSON/i.test(err.message);
    return c.json(errorBody(malformed ? 'invalid_json' : 'http_error', malformed ? 'the request body is not valid JSON' : err.message), err.status);
  }
  console.error('unexpected error', err);
  return c.json(errorBody('internal', 'internal error'), 500);
}

/** zod issues → 400 with the first issue's path and message (`body` is the request body, to name missing fields). */
export function validationError(error: ZodError, body: unknown, c: Context): Response {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = path.length ? path.join('.') : 'body';
  const value = path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), body);
  const message = value === undefined && path.length ? 'is required' : issue.message;
  return c.json(errorBody('invalid_request', `${where}: ${message}`, path), 400);
}
