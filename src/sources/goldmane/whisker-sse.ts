/**
 * The HTTP transport: whisker-backend's `GET /flows?watch=true&startTimeGte=<s>`, an event
 * stream with one flow per `data:` line (whisker's JSON, which the Goldmane parser reads).
 */
import type { FlowStreamOpener } from './goldmane-source.js';

type Obj = Record<string, unknown>;

export function whiskerOpener(url: string, headers: Record<string, string> = {}): FlowStreamOpener {
  return async function* (start, signal) {
    const u = new URL(url);
    u.searchParams.set('watch', 'true');
    if (start !== null) u.searchParams.set('startTimeGte', start.toString());
    const res = await fetch(u, { signal, headers: { accept: 'text/event-stream', ...headers } });
    if (!res.ok || res.body === null) throw new Error(`whisker ${u.pathname}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (!line.startsWith('data:')) continue; // comments, event names, keep-alives
        const text = line.slice(5).trim();
        if (text === '') continue;
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch {
          throw new Error('whisker: an event that is not JSON');
        }
        if (typeof o === 'object' && o !== null && !Array.isArray(o)) yield o as Obj;
      }
    }
  };
}
