// Every error the HTTP API answers with, defined once: status, stable code, message, and the
// path of the offending field. The body is always `{error, code, path?}` (CONTRACT.md).

export type ApiErrorCode =
  | 'PANTAU_BAD_REQUEST'
  | 'PANTAU_INVALID_JSON'
  | 'PANTAU_INVALID_SAMPLE'
  | 'PANTAU_UNAUTHORIZED'
  | 'PANTAU_FORBIDDEN'
  | 'PANTAU_NOT_FOUND'
  | 'PANTAU_BODY_TOO_LARGE'
  | 'PANTAU_REQUEST_TIMEOUT'
  | 'PANTAU_RATE_LIMITED'
  | 'PANTAU_STORE_UNAVAILABLE'
  | 'PANTAU_UNSUPPORTED_MEDIA'
  | 'PANTAU_INTERNAL';

const STATUS: Record<ApiErrorCode, number> = {
  PANTAU_BAD_REQUEST: 400,
  PANTAU_INVALID_JSON: 400,
  PANTAU_INVALID_SAMPLE: 400,
  PANTAU_UNAUTHORIZED: 401,
  PANTAU_FORBIDDEN: 403,
  PANTAU_NOT_FOUND: 404,
  PANTAU_BODY_TOO_LARGE: 413,
  PANTAU_REQUEST_TIMEOUT: 408,
  PANTAU_UNSUPPORTED_MEDIA: 415,
  PANTAU_RATE_LIMITED: 429,
  PANTAU_STORE_UNAVAILABLE: 503,
  PANTAU_INTERNAL: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly path?: string,
    /** Seconds, for 429 and 503: the client should wait this long. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }

  toBody(): { error: string; code: ApiErrorCode; path?: string } {
    return this.path === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, path: this.path };
  }
}

export const ERROR_CODES = Object.keys(STATUS) as ApiErrorCode[];

/** The HTTP status of a code (README's table of codes is checked against this by a test). */
export const statusOf = (code: ApiErrorCode): number => STATUS[code];
