/** Small helpers of the account pages. */
import { ApiError } from '../../api.ts';

/**
 * Where to go after signing in: a path on this site only (one leading slash, not `//host` or `/\host`), the same
 * rule as the server's for single sign-on; anything else goes home.
 */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 2000) return '/';
  if (value.startsWith('/signin')) return '/';
  return value;
}

/** The wait a 429 names ("… try again in 42 s", "… retry in 42 s"), in seconds. */
export function waitSeconds(e: ApiError): number {
  const m = /(\d+)\s*s\b/.exec(e.message);
  return m ? Number(m[1]) : 60;
}

export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));

/** The server's password rule (src/services/accounts.ts#checkPassword): 12 to 1,024 characters. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

/** "Firefox on Android" from a User-Agent header, roughly; null when it says nothing familiar. */
export function describeAgent(ua: string | null): { browser: string | null; os: string | null } {
  if (!ua) return { browser: null, os: null };
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /YaBrowser\//.test(ua)
        ? 'Yandex Browser'
        : /Firefox\//.test(ua)
          ? 'Firefox'
          : /Chromium\//.test(ua)
            ? 'Chromium'
            : /Chrome\//.test(ua)
              ? 'Chrome'
              : /Safari\//.test(ua) && /Version\//.test(ua)
                ? 'Safari'
                : null;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  return { browser, os };
}
