/**
 * Serves simulated calico-accountant counters on a local `/metrics`, as the exporter's
 * DaemonSet would, so the demo can scrape a real HTTP endpoint.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AccountantCounters } from './emit-accountant.js';

export interface RunningExporter {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port unless given). @example const ex = await serveAccountantMetrics(counters); ex.url */
export async function serveAccountantMetrics(
  counters: AccountantCounters,
  port = 0,
): Promise<RunningExporter> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(counters.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
