/** Fetch helpers shared by the API client modules. */
import { stampAnswer } from './freshness';

export type QueryValue = string | number | readonly string[] | null | undefined;

/** Builds a query string; lists are comma separated, empty values left out. */
export function toQuery(params: Record<string, QueryValue>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length > 0) sp.set(k, v.join(','));
    } else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string; issues?: string[] };
      if (body.error) msg = [body.error, ...(body.issues ?? [])].join('; ');
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiRequestError(res.status, msg);
  }
  const body = (await res.json()) as T;
  // Answers from the server's answer cache say how old they are (the time picker's "as of").
  const age = res.headers.get('age');
  if (age !== null) stampAnswer(body, age);
  return body;
}

/** The session's CSRF token, sent with every state-changing request made with the cookie. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiRequestError(res.status, data.error ?? `${res.status}`);
  return data;
}

export const API = '/api/v1/dashboard';
