/**
 * A local stand-in for the Kubernetes API's list and watch: objects per resource path, one
 * resourceVersion counter, a history that can be compacted (older watches then get 410 Gone,
 * as from a real API server), and watch connections that can be dropped or refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = Record<string, unknown>;

interface Event {
  rv: number;
  path: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

export interface FakeKubeApi {
  url: string;
  /** Creates or replaces an object at a resource path (e.g. `/api/v1/pods`). */
  apply(path: string, obj: Obj): void;
  remove(path: string, namespace: string | undefined, name: string): void;
  /** Forgets history: watches from before now get 410 Gone. */
  compact(): void;
  /** Closes every open watch (as an API server restart or a load balancer timeout does). */
  dropWatches(): void;
  /** While true, watch requests are answered 503. */
  refuseWatches: boolean;
  /** Watch requests seen: path and resourceVersion. */
  watchRequests: { path: string; rv: string | null }[];
  listRequests: string[];
  close(): Promise<void>;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  let rv = 100;
  let compactedBefore = 0;
  const objects = new Map<string, Map<string, Obj>>();
  const history: Event[] = [];
  const watches = new Set<{ path: string; res: ServerResponse }>();
  const keyOf = (o: Obj): string => {
    const m = (o['metadata'] ?? {}) as Obj;
    return `${String(m['namespace'] ?? '')}/${String(m['name'] ?? '')}`;
  };
  const emit = (ev: Event): void => {
    history.push(ev);
    for (const w of watches) {
      if (w.path === ev.path)
        w.res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    }
  };

  const fake: FakeKubeApi = {
    url: '',
    refuseWatches: false,
    watchRequests: [],
    listRequests: [],
    apply(path, obj) {
      const store = objects.get(path) ?? new Map<string, Obj>();
      objects.set(path, store);
      const key = keyOf(obj);
      const existed = store.has(key);
      const m = { ...((obj['metadata'] ?? {}) as Obj), resourceVersion: String(++rv) };
      const o = { ...obj, metadata: m };
      store.set(key, o);
      emit({ rv, path, type: existed ? 'MODIFIED' : 'ADDED', object: o });
    },
    remove(path, namespace, name) {
      const store = objects.get(path);
      const key = `${namespace ?? ''}/${name}`;
      const o = store?.get(key);
      if (!store || !o) return;
      store.delete(key);
      const gone = { ...o, metadata: { ...(o['metadata'] as Obj), resourceVersion: String(++rv) } };
      emit({ rv, path, type: 'DELETED', object: gone });
    },
    compact() {
      compactedBefore = rv;
      history.length = 0;
    },
    dropWatches() {
      for (const w of watches) w.res.socket?.destroy();
      watches.clear();
    },
    close: async () => {
      fake.dropWatches();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets and a watch reconnecting at this moment would hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'POST' || req.method === 'DELETE') {
      void handleNamespacedWrite(fake, (p) => objects.get(p), req, res);
      return;
    }
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      const from = url.searchParams.get('resourceVersion');
      fake.watchRequests.push({ path, rv: from });
      if (fake.refuseWatches) {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"kind":"Status","code":503}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const since = Number(from ?? rv);
      if (since < compactedBefore) {
        const status = {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Expired',
          code: 410,
          message: `too old resource version: ${since} (${compactedBefore})`,
        };
        res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
        return;
      }
      for (const ev of history) {
        if (ev.path === path && ev.rv > since) {
          res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
        }
      }
      const w = { path, res };
      watches.add(w);
      res.on('close', () => watches.delete(w));
      return;
    }
    fake.listRequests.push(path);
    const items = [...(objects.get(path)?.values() ?? [])];
    const kind = 'List';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/**
 * Create (POST) and delete (DELETE) of namespaced objects, as the quarantine action uses for
 * NetworkPolicies: `POST /apis/<group>/<v>/namespaces/<ns>/<plural>` stores the object under the
 * cluster-wide list path (so list and watch see it); 409 when it exists, 404 on delete when not.
 */
const NAMESPACED = /^(\/apis?\/(?:[^/]+\/)?v[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;

async function handleNamespacedWrite(
  fake: FakeKubeApi,
  storeOf: (path: string) => Map<string, Obj> | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const m = NAMESPACED.exec(new URL(req.url ?? '/', 'http://x').pathname);
  const status = (code: number, reason: string, message: string): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason,
        code,
        message,
      }),
    );
  };
  if (!m) return status(404, 'NotFound', 'no such path');
  const [, prefix, namespace, plural, name] = m as unknown as [
    string,
    string,
    string,
    string,
    string?,
  ];
  const listPath = `${prefix}/${plural}`;
  if (req.method === 'DELETE') {
    if (!name || !storeOf(listPath)?.has(`${namespace}/${name}`))
      return status(404, 'NotFound', `${plural} "${name ?? ''}" not found`);
    fake.remove(listPath, namespace, name);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let obj: Obj;
  try {
    obj = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
  } catch {
    return status(400, 'BadRequest', 'body is not JSON');
  }
  const meta: Obj = { ...((obj['metadata'] ?? {}) as Obj), namespace };
  const objName = String(meta['name'] ?? '');
  if (storeOf(listPath)?.has(`${namespace}/${objName}`))
    return status(409, 'AlreadyExists', `${plural} "${objName}" already exists`);
  fake.apply(listPath, { ...obj, metadata: meta });
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify(storeOf(listPath)?.get(`${namespace}/${objName}`) ?? obj));
}
