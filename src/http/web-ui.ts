/**
 * Serves the built web UI (web/dist) and falls back to index.html for client-side routes.
 * @fastify/static resolves paths inside `distDir` only, so `..` cannot escape it; unknown
 * `/api/` paths stay 404 JSON instead of receiving the HTML shell.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface WebUiOptions {
  distDir: string;
}

/** True when `distDir` holds a build (index.html). */
export function hasWebUi(distDir: string): boolean {
  return existsSync(resolve(distDir, 'index.html'));
}

/**
 * Client-side routes answer with the HTML shell; everything else that is unknown is a 404.
 * A client route is a path outside `/api/` with no file extension, asked for by a client that
 * takes HTML: `text/html`, or any type at all, as `curl` and health checkers ask.
 */
function wantsShell(url: string, accept: string | undefined): boolean {
  const path = url.split('?')[0] ?? '/';
  const takesHtml = /(^|[\s,])(text\/html|\*\/\*)(\s*[;,]|\s*$)/i.test(accept ?? '');
  return !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path) && takesHtml;
}

/**
 * Registers the built UI: one route per file of `distDir` (read at start, so nothing outside
 * it can ever be served) and a catch-all that returns index.html for client routes.
 * @example registerWebUi(app, { distDir: resolve('web/dist') })
 */
export function registerWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const root = resolve(options.distDir);
  const built = hasWebUi(root);
  if (built) {
    void app.register(fastifyStatic, {
      root,
      index: false,
      // Routes for the files present at start only: no filesystem lookups per request.
      wildcard: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.get('/*', async (req, reply) => {
    if (!wantsShell(req.url, req.headers.accept)) {
      return reply.code(404).send({ error: 'not found' });
    }
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npx vite build --config web/vite.config.ts`.');
    }
    // cacheControl: false, or @fastify/static replaces this header with its own max-age=0.
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', root, { cacheControl: false });
  });
}
