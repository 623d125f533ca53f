/** GET /v1/models: what this server can solve, with each model's card numbers. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from '../env.js';
import { MODELS } from '../../model/catalog.js';
import { describeModel } from '../models.js';
import { ModelInfo } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'List the models',
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ models: z.array(ModelInfo) }) } },
      description: 'Models, with config summary, quantization, size and measured accuracy',
    },
  },
});

export const modelRoutes = new OpenAPIHono<{ Bindings: Env }>().openapi(route, async (c) => {
  const models = await Promise.all(
    MODELS.map(async (entry) => {
      const { meta, bytes, parameters } = await describeModel(c.env, entry);
      const k = meta.config;
      return {
        id: entry.id,
        task: entry.task,
        default: entry.default ?? false,
        quantization: meta.quantization,
        bytes,
        parameters,
        config: { hidden_size: k.hidden_size, H_cycles: k.H_cycles, L_cycles: k.L_cycles, halt_max_steps: k.halt_max_steps, mlp_t: k.mlp_t, seq_len: k.seq_len },
        evaluations: (meta.provenance.metrics?.evaluations ?? []) as Record<string, unknown>[],
      };
    }),
  );
  return c.json({ models }, 200);
});
