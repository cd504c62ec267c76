/**
 * Talking to the API: one fetch wrapper (JSON in and out, the CSRF token on writes made with the session cookie, the
 * API's `{error:{code,message,field}}` turned into ApiError), the session, and the live tally stream.
 */
import { useEffect, useState } from 'react';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
    readonly line?: number,
    readonly column?: number | string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

export async function api<T>(path: string, init: { method?: string; body?: unknown; csv?: string; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  let body: string | undefined;
  if (init.csv !== undefined) {
    headers['content-type'] = 'text/csv';
    body = init.csv;
  } else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const r = await fetch(`/api/v1${path}`, { method, headers, body, credentials: 'same-origin' });
  if (r.status === 204) return undefined as T;
  const type = r.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string | null; line?: number; column?: number | string } }).error;
    throw new ApiError(r.status, e?.code ?? 'internal', e?.message ?? r.statusText, e?.field ?? null, e?.line, e?.column);
  }
  return data as T;
}

/** Loads something once per key; `reload` fetches again. */
export function useApi<T>(path: string | null): { data: T | undefined; error: ApiError | undefined; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: error instanceof ApiError ? error : new ApiError(0, 'network', String(error), null), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, n]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setN((x) => x + 1) };
}

/**
 * The tally of a unit, live: the first value from GET …/tally, then every update from the SSE stream. `connected`
 * says whether the stream is open (EventSource reconnects by itself). With `enabled: false` it neither fetches nor
 * opens the stream (and forgets what it had): the API refuses the stream of a withheld unit, so don't ask for it.
 */
export function useLiveTally<T>(
  discussionId: string,
  unitId: string | undefined,
  options: { enabled?: boolean } = {},
): { tally: T | undefined; connected: boolean; error: ApiError | undefined } {
  const enabled = options.enabled ?? true;
  const q = unitId ? `?unit=${encodeURIComponent(unitId)}` : '';
  const first = useApi<T>(enabled ? `/discussions/${encodeURIComponent(discussionId)}/tally${q}` : null);
  const [live, setLive] = useState<T | undefined>(undefined);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    setLive(undefined);
    setConnected(false);
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/v1/discussions/${encodeURIComponent(discussionId)}/tally/stream${q}`);
    es.addEventListener('tally', (e) => setLive(JSON.parse((e as MessageEvent<string>).data) as T));
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    return () => es.close();
  }, [discussionId, q, enabled]);
  if (!enabled) return { tally: undefined, connected: false, error: undefined };
  return { tally: live ?? first.data, connected, error: first.error };
}
