/**
 * Loads our `.proto` subsets with proto-loader at run time (no generated code). The files sit
 * beside the TypeScript sources; the compiled build in `dist/` finds them in `src/` because
 * `tsc` does not copy non-TypeScript files.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Decoding options: proto field names, 64-bit integers and enums as strings, no defaults. */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
};

/** The folder holding `file`, next to this module in `src/` or mapped from `dist/` to `src/`. */
export function protoDir(moduleUrl: string, sub: string, file: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, sub), join(here.replace(/([/\\])dist([/\\])/, '$1src$2'), sub)];
  for (const c of candidates) if (existsSync(join(c, file))) return c;
  throw new Error(`cannot find ${file} (looked in ${candidates.join(', ')})`);
}

/** The grpc package object for a proto file. */
export function loadPackage(dir: string, file: string): grpc.GrpcObject {
  const def = protoLoader.loadSync(join(dir, file), { ...PROTO_OPTIONS, includeDirs: [dir] });
  return grpc.loadPackageDefinition(def);
}

export interface TlsOptions {
  /** PEM CA bundle that signs the server certificate. */
  ca?: Buffer;
  /** PEM client certificate and key for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  /** Name to verify in the server certificate, when it differs from the host dialled. */
  serverName?: string;
}

/** Plaintext when `tls` is null; otherwise TLS, mutual when a client certificate is given. */
export function channelCredentials(tls: TlsOptions | null): grpc.ChannelCredentials {
  if (tls === null) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}

export function channelOptions(tls: TlsOptions | null, reconnectMs = 1000): grpc.ChannelOptions {
  const opts: grpc.ChannelOptions = {
    // Our own loop backs off with jitter; keep the channel's retry from adding its own delay.
    'grpc.initial_reconnect_backoff_ms': reconnectMs,
    'grpc.max_reconnect_backoff_ms': Math.max(reconnectMs, 5_000),
    // Notice a dead peer on an idle follow stream instead of waiting forever.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  };
  if (tls?.serverName) opts['grpc.ssl_target_name_override'] = tls.serverName;
  return opts;
}

export { grpc };
