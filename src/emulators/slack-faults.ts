/** Which requests a fault applies to. */
export type SlackFaultTarget = 'any' | 'api' | 'webhook' | 'chat.postMessage' | 'auth.test';

/** One injected answer, used for the next `count` matching requests. */
export interface SlackFault {
  /**
   * HTTP status to answer. 429 answers Slack's rate-limit shape with `Retry-After`; 200 needs
   * `error` and answers `{ok:false,error}` (Web API only); anything else answers that status.
   */
  status: number;
  /** Requests this fault answers (default 1). */
  count?: number;
  /** `Retry-After` in whole seconds for 429 (default 1). */
  retryAfter?: number;
  /** Error code / plain-text body; defaults follow the status. */
  error?: string;
  /** Extra wait before answering, in milliseconds. */
  delayMs?: number;
  target?: SlackFaultTarget;
}

/** Fault injection for the Slack emulator; mutate it from tests at any time. */
export class SlackFaults {
  /** When true every request (Web API and webhook) answers `downStatus`. */
  down = false;
  downStatus: 500 | 502 | 503 = 503;
  /** Wait before answering any request, in milliseconds (slow or hanging Slack). */
  delayMs = 0;
  private readonly queue: Array<SlackFault & { remaining: number }> = [];

  enqueue(fault: SlackFault): void {
    this.queue.push({ ...fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
    this.down = false;
    this.delayMs = 0;
  }

  /** Consumes and returns the first queued fault that applies to this request. */
  take(route: 'chat.postMessage' | 'auth.test' | 'webhook' | string): SlackFault | undefined {
    const index = this.queue.findIndex((fault) => applies(fault.target ?? 'any', route));
    if (index < 0) return undefined;
    const fault = this.queue[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.queue.splice(index, 1);
    return fault;
  }
}

function applies(target: SlackFaultTarget, route: string): boolean {
  if (target === 'any') return true;
  if (target === 'api') return route !== 'webhook';
  return target === route;
}

/** The default error code or webhook body for an injected status. */
export function defaultFaultError(status: number, via: 'api' | 'webhook'): string {
  if (status === 429) return via === 'api' ? 'ratelimited' : 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return via === 'api' ? 'internal_error' : 'rollup_error';
  if (status === 404) return via === 'api' ? 'unknown_method' : 'no_service';
  if (status === 403) return via === 'api' ? 'no_permission' : 'action_prohibited';
  if (status === 410) return 'channel_is_archived';
  return via === 'api' ? 'invalid_arguments' : 'invalid_payload';
}
