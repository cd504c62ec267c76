/**
 * Sending a CSV file to the API with upload progress. fetch() cannot report how much of a request body has been
 * sent, so this uses XMLHttpRequest, whose `upload` object fires progress events. A chosen File is sent as it is
 * (the browser streams it from disk); errors come back as the same ApiError the rest of the app uses.
 */
import { ApiError } from '../api.ts';

export interface UploadHandle<T> {
  done: Promise<T>;
  abort: () => void;
}

export function uploadCsv<T>(
  path: string,
  body: Blob | string,
  opts: { csrfToken: string | null; onProgress: (sent: number, total: number) => void; onSent: () => void },
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', `/api/v1${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    if (opts.csrfToken) xhr.setRequestHeader('x-csrf-token', opts.csrfToken);
    xhr.upload.onprogress = (e) => opts.onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.upload.onload = () => opts.onSent();
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection failed before the server answered', null));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled', null));
    xhr.onload = () => {
      let data: unknown = xhr.responseText;
      if ((xhr.getResponseHeader('content-type') ?? '').includes('json')) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          /* keep the text */
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const e = (data as { error?: { code?: string; message?: string; field?: string | null; line?: number; column?: number | string } } | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? 'internal', e?.message ?? xhr.statusText, e?.field ?? null, e?.line, e?.column));
    };
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}
