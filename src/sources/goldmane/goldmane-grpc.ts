/** The gRPC transport: `goldmane.Flows/Stream` (Calico serves it with mutual TLS on 7443). */
import {
  channelCredentials,
  channelOptions,
  type grpc,
  loadPackage,
  protoDir,
  type TlsOptions,
} from '../grpc-load.js';
import type { FlowStreamOpener } from './goldmane-source.js';

type Obj = Record<string, unknown>;

let flowsCtor: grpc.ServiceClientConstructor | null = null;

export function goldmaneFlowsClient(): grpc.ServiceClientConstructor {
  if (flowsCtor === null) {
    const pkg = loadPackage(protoDir(import.meta.url, 'proto', 'goldmane.proto'), 'goldmane.proto');
    flowsCtor = (pkg['goldmane'] as grpc.GrpcObject)['Flows'] as grpc.ServiceClientConstructor;
  }
  return flowsCtor;
}

/**
 * An opener over one long-lived channel. Each result's `flow` is yielded (the `id` is only
 * valid for one server process, so it is not used to resume).
 */
export function goldmaneGrpcOpener(
  address: string,
  tls: TlsOptions | null,
  reconnectMs = 1000,
): { open: FlowStreamOpener; close(): void } {
  const Client = goldmaneFlowsClient();
  const client = new Client(address, channelCredentials(tls), channelOptions(tls, reconnectMs));
  const stream = (client as unknown as Record<string, (r: Obj) => grpc.ClientReadableStream<Obj>>)[
    'Stream'
  ] as (r: Obj) => grpc.ClientReadableStream<Obj>;
  const open: FlowStreamOpener = async function* (start, signal) {
    const call = stream.call(client, {
      start_time_gte: start === null ? '0' : start.toString(),
      aggregation_interval: '15',
    });
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const res of call as AsyncIterable<Obj>) {
        const flow = res['flow'];
        if (typeof flow === 'object' && flow !== null) yield flow as Obj;
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  };
  return { open, close: () => client.close() };
}
