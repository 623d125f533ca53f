/**
 * The edge solver: a Hono app on Cloudflare Workers serving TRM through TF.js's SIMD wasm backend.
 *   POST /v1/solve, POST /v1/solve/stream (SSE), GET /v1/models, GET /health, GET /openapi.json
 * Everything else is the static folder `npm run build:web` writes (dist-web: the demo page at /, the
 * browser bundles, tfjs-backend-wasm's binaries and the model packages under /weights/), through the
 * static-assets binding, from which the API also loads its models, once per isolate.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import * as tf from '@tensorflow/tfjs-core';
import type { Env } from './env.js';
import { errorBody, onError } from './errors.js';
import { authenticate, limitBody, rateLimit, requireJson } from './guards.js';
import { loadedModels } from './models.js';
import { modelRoutes } from './routes/models.js';
import { solveRoutes } from './routes/solve.js';

const app = new OpenAPIHono<{ Bindings: Env }>();
app.onError(onError);
app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

app.use('*', async (c, next) => {
  const allowed = (c.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return cors({
    origin: (origin) => (allowed.includes('*') ? '*' : allowed.includes(origin) ? origin : null),
    allowHeaders: ['content-type', 'authorization', 'x-api-key'],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
  })(c, next);
});
app.use('/v1/*', rateLimit, authenticate, requireJson, limitBody);

// tf.memory() would initialise a backend by itself (without the workerd shim): only read it once one is set.
app.get('/health', (c) => c.json({ ok: true, backend: tf.getBackend() ?? null, models: loadedModels(), tensors: tf.getBackend() ? tf.memory().numTensors : 0 }));
app.route('/', solveRoutes);
app.route('/', modelRoutes);
app.doc('/openapi.json', {
  openapi: '3.0.0',
  info: {
    title: 'trm-edge',
    version: '0.1.0',
    description: 'Tiny Recursive Model solver: Sudoku and mazes (ARC with an imported model). Errors: { error: { code, message, path? } }.',
  },
});
// The static folder. The pages solve with the packages under /weights/; PUBLIC_WEIGHTS = "false" keeps them to the API.
app.get('*', async (c) => {
  if (c.req.path.startsWith('/weights/') && c.env.PUBLIC_WEIGHTS === 'false') return c.json(errorBody('not_found', 'model files are not public on this server'), 404);
  const res = await c.env.ASSETS.fetch(c.req.raw);
  return res.status === 404 ? c.json(errorBody('not_found', `no route or file for GET ${c.req.path}`), 404) : res;
});

export default app;
