/**
 * The log's side of c2sp.org/tlog-witness: ask one witness to cosign a checkpoint (POST <prefix>/add-checkpoint).
 *
 * The answer is returned as the witness gave it; nothing here trusts it. The caller appends the lines to the signed
 * checkpoint and keeps only cosignatures of witness keys it knows that verify (openCosignatures in
 * src/log/cosignature.ts), as the spec requires. A 409 whose body is text/x.tlog.size carries the size the witness
 * last cosigned: the caller retries with a proof from that size. A 409 without it (same size, another root) means the
 * witness holds a different tree of that size — a split view to investigate, not to retry.
 */
import { formatAddCheckpointRequest, SIZE_CONTENT_TYPE } from '../log/witness.ts';

export type CosignatureResponse =
  | { ok: true; lines: string[] }
  /** status 0: no HTTP answer (network error, timeout). */
  | { ok: false; status: number; message: string; currentSize?: number };

const SIGNATURE_LINE = /^\u2014 \S+ [A-Za-z0-9+/]+={0,2}\n$/;
const MAX_MESSAGE = 500;

export async function requestCosignature(
  witnessUrl: string,
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpointNote: string,
  opts: { timeoutMs?: number } = {},
): Promise<CosignatureResponse> {
  const body = formatAddCheckpointRequest(oldSize, proof, checkpointNote);
  const url = `${witnessUrl.replace(/\/+$/, '')}/add-checkpoint`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    text = await res.text();
  } catch (e) {
    const err = e as Error & { cause?: { message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs ?? 10_000} ms` : (err.cause?.message ?? err.message);
    return { ok: false, status: 0, message: `${url}: ${why}` };
  }

  if (res.status === 200) {
    // One or more note signature lines, each "— name base64\n".
    const lines = text.match(/[^\n]*\n/g) ?? [];
    if (lines.length === 0 || lines.join('') !== text || !lines.every((l) => SIGNATURE_LINE.test(l))) {
      return { ok: false, status: 200, message: `${url} answered 200 without signature lines: ${JSON.stringify(text.slice(0, 200))}` };
    }
    return { ok: true, lines };
  }

  const message = text.trim().slice(0, MAX_MESSAGE) || `HTTP ${res.status}`;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (res.status === 409 && type === SIZE_CONTENT_TYPE) {
    const m = /^(0|[1-9][0-9]*)\n$/.exec(text);
    const size = m ? Number(m[1]) : NaN;
    if (Number.isSafeInteger(size)) return { ok: false, status: 409, currentSize: size, message: `the witness has cosigned up to size ${size}, not ${oldSize}` };
    return { ok: false, status: 409, message: `${url} answered 409 with a malformed size ${JSON.stringify(text.slice(0, 40))}` };
  }
  return { ok: false, status: res.status, message };
}
