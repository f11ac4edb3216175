import { randomUUID } from 'node:crypto';

/** Notion's error codes as the API sends them in `code` (plus `bad_gateway` for proxy faults). */
export type NotionErrorCode =
  | 'invalid_json'
  | 'invalid_request_url'
  | 'invalid_request'
  | 'validation_error'
  | 'missing_version'
  | 'unauthorized'
  | 'restricted_resource'
  | 'object_not_found'
  | 'conflict_error'
  | 'rate_limited'
  | 'internal_server_error'
  | 'service_unavailable'
  | 'gateway_timeout'
  | 'service_overload'
  | (string & {});

/** An error the emulator answers with Notion's body `{object:'error', status, code, message, request_id}`. */
export class NotionApiError extends Error {
  override readonly name = 'NotionApiError';

  constructor(
    readonly status: number,
    readonly code: NotionErrorCode,
    message: string,
    readonly additionalData?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(requestId: string): Record<string, unknown> {
    return {
      object: 'error',
      status: this.status,
      code: this.code,
      message: this.message,
      request_id: requestId,
      ...(this.additionalData === undefined ? {} : { additional_data: this.additionalData }),
    };
  }
}

export function validationError(message: string): NotionApiError {
  return new NotionApiError(400, 'validation_error', message);
}

/** The wording Notion uses for ids that do not exist or are not shared with the integration. */
export function notFound(kind: 'database' | 'data_source' | 'page' | 'block', id: string): NotionApiError {
  return new NotionApiError(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

export function newRequestId(): string {
  return randomUUID();
}
