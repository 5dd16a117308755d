import type { ApiErrorBody } from '../../../server/contracts/errors';
import { ApiError, currentTokens } from './http';

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  /** Form fields sent before the file part (the server reads them first). */
  fields?: Record<string, string | undefined>;
  /** Called with the fraction sent, 0..1, as the browser reports upload progress. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

function send<T>(url: string, file: File, opts: UploadOptions, token?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'text';
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => {
      reject(new ApiError('network', 0, 'network error'));
    };
    xhr.onabort = () => {
      reject(new DOMException('aborted', 'AbortError'));
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.(1);
        resolve(body as T);
        return;
      }
      const err = (body as Partial<ApiErrorBody> | undefined)?.error;
      if (err) {
        reject(new ApiError(err.code, xhr.status, err.message, err.details, err.requestId));
        return;
      }
      // A proxy may answer 413 itself, without our JSON body.
      const code =
        xhr.status === 413
          ? 'payload_too_large'
          : xhr.status === 415
            ? 'unsupported_media_type'
            : xhr.status >= 500
              ? 'internal'
              : 'bad_request';
      reject(new ApiError(code, xhr.status, xhr.statusText));
    };
    opts.signal?.addEventListener('abort', () => {
      xhr.abort();
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.fields ?? {})) if (v !== undefined) form.append(k, v);
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/**
 * Uploads a file as multipart/form-data with XMLHttpRequest, because fetch cannot report upload
 * progress. Renews an expired token once and retries, like `request`.
 * @throws ApiError (413 payload_too_large, 415 unsupported_media_type, ...) or an AbortError.
 */
export async function uploadFile<T>(url: string, file: File, opts: UploadOptions = {}): Promise<T> {
  const tokens = currentTokens();
  try {
    return await send<T>(url, file, opts, tokens?.token());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && tokens && (await tokens.refresh())) {
      opts.onProgress?.(0);
      return send<T>(url, file, opts, tokens.token());
    }
    throw err;
  }
}
