/** Bindings and variables of the worker (wrangler.toml [vars], secrets, bindings). */
export interface Env {
  /** The static folder `npm run build:web` writes (dist-web): the demo, the browser bundles and the model packages. */
  ASSETS: Fetcher;
  /** Secret: comma-separated API keys; when set, every /v1 request needs one. */
  API_KEYS?: string;
  /** Comma-separated allowed origins for CORS ('*' allows any). Default: none (same-origin only). */
  CORS_ORIGINS?: string;
  /** Highest maxSteps a request may ask for (default 16). */
  MAX_STEPS?: string;
  /** Compute cap per request in GFLOP (puzzles × steps × FLOPs per step; default 2000). */
  MAX_GFLOP?: string;
  /** Request body limit in bytes (default 65536). */
  MAX_BODY_BYTES?: string;
  /** "false" keeps the model packages (GET /weights/<path>/…) to the API; the pages then cannot solve in the browser. Default: public. */
  PUBLIC_WEIGHTS?: string;
  /** Workers rate-limiting binding, when configured. */
  RATE_LIMITER?: { limit(options: { key: string }): Promise<{ success: boolean }> };
}

export interface Limits {
  maxSteps: number;
  maxGflop: number;
  maxBodyBytes: number;
}

const int = (v: string | undefined, fallback: number) => (v !== undefined && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : fallback);

export function limitsOf(env: Env): Limits {
  return { maxSteps: int(env.MAX_STEPS, 16), maxGflop: int(env.MAX_GFLOP, 2000), maxBodyBytes: int(env.MAX_BODY_BYTES, 65536) };
}
