/** One scripted failure, consumed by the next matching request(s). */
export interface FaultSpec {
  /** HTTP status to answer with; omit for a pure delay (with `delayMs`). */
  status?: number;
  /** Notion error code; defaults by status (429 `rate_limited`, 529 `service_overload`, 500 `internal_server_error`, …). */
  code?: string;
  message?: string;
  /** `Retry-After` header in whole seconds (429 and 529 get 1 by default). */
  retryAfter?: number;
  /** How many matching requests this fault hits (default 1). */
  count?: number;
  /** Matching requests to let through before the fault starts (e.g. fail the second append). */
  skip?: number;
  /** Perform the operation first, then answer with the fault: the client cannot tell it landed. */
  after?: boolean;
  /** Extra delay before answering, in ms (longer than the client's timeout simulates a timeout). */
  delayMs?: number;
  /** Only requests with this method (e.g. `PATCH`). */
  method?: string;
  /** Only requests whose path (e.g. `/v1/pages`) starts with this string or matches this pattern. */
  path?: string | RegExp;
  /** A raw, non-JSON body (e.g. a proxy's HTML page); the status is kept. */
  rawBody?: string;
}

export interface Fault extends FaultSpec {
  remaining: number;
  toSkip: number;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'restricted_resource',
  404: 'object_not_found',
  409: 'conflict_error',
  429: 'rate_limited',
  500: 'internal_server_error',
  503: 'service_unavailable',
  504: 'gateway_timeout',
  529: 'service_overload',
};

export function defaultCode(status: number): string | undefined {
  return DEFAULT_CODES[status];
}

/** Test-controlled failures: a queue of faults plus a delay applied to every request. */
export class FaultInjector {
  /** Added to every request before it is handled, in ms. */
  delayMs = 0;
  readonly #queue: Fault[] = [];

  enqueue(spec: FaultSpec): void {
    this.#queue.push({ ...spec, remaining: spec.count ?? 1, toSkip: spec.skip ?? 0 });
  }

  /** Takes the first fault matching this request, if any. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#queue.find((f) => matches(f, method, path));
    if (fault === undefined) return undefined;
    if (fault.toSkip > 0) {
      fault.toSkip -= 1;
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#queue.splice(this.#queue.indexOf(fault), 1);
    return fault;
  }

  clear(): void {
    this.#queue.length = 0;
    this.delayMs = 0;
  }

  get pending(): number {
    return this.#queue.reduce((sum, f) => sum + f.remaining, 0);
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string' ? path.startsWith(fault.path) : fault.path.test(path);
}
