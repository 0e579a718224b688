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
 * @example registerWebUi(app, { distDir: resolve('web/dist') })
 */
export function registerWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const root = resolve(options.distDir);
  void app.register(fastifyStatic, {
    root,
    index: false,
    wildcard: true,
    // Hashed assets never change; the shell must always be revalidated.
    setHeaders: (res, path) => {
      res.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isPage =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      !/\.[a-z0-9]+$/i.test(path) &&
      (req.headers.accept ?? '').includes('text/html');
    if (!isPage || !hasWebUi(root)) {
      return reply.code(404).send({ error: 'not found' });
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .sendFile('index.html', root);
  });
}
