import { errorAnswer, faultBodies, jsonAnswer } from './openai-answers.ts';
import type { ApiAnswer } from './openai-answers.ts';

/** A failure the next requests answer with (after auth and body checks). */
export interface FaultSpec {
  /** HTTP status; 429, 500 and 503 get the live API's bodies unless `body` is given. */
  status: number;
  /** `Retry-After` header value: seconds (fractions allowed) or an HTTP date. */
  retryAfter?: string;
  /** `retry-after-ms` header value (not sent by OpenAI, but the SDK reads it first). */
  retryAfterMs?: string;
  /** `x-should-retry` header: overrides the SDK's own retry decision. */
  shouldRetry?: boolean;
  /** Replaces the error body, sent as JSON. */
  body?: object;
  /** How many requests answer this fault; default 1. */
  count?: number;
  /** Only requests whose path ends with this answer the fault (e.g. `/chat/completions`); default any. */
  path?: string;
}

/** What the emulator does with the request it just took a fault for. */
export type Fault = { kind: 'status'; spec: FaultSpec } | { kind: 'quota' } | { kind: 'drop' };

/** A well-formed 200 whose content a structured-outputs client must not accept. */
export type ChatAnswerFault = 'schema' | 'refusal';

interface Queued {
  fault: Fault;
  remaining: number;
}

/**
 * Per-test fault injection: a queue of failures consumed one request at a time, a delay for
 * every answer, and a hold that parks requests without an answer (crash tests kill the client
 * while requests are parked, then check nothing was delivered).
 */
export class OpenAiFaults {
  /** Milliseconds every answer waits before it is written; 0 to answer at once. */
  delayMs = 0;
  readonly #queue: Queued[] = [];
  readonly #answers: ChatAnswerFault[] = [];
  #holding = false;
  #holdPath: string | undefined;
  #parked: (() => void)[] = [];

  /** The next `spec.count ?? 1` requests answer this status. */
  enqueue(spec: FaultSpec): void {
    this.#push({ kind: 'status', spec }, spec.count);
  }

  /** The next `count` requests answer 429 `insufficient_quota` (no Retry-After, as live). */
  quota(count = 1): void {
    this.#push({ kind: 'quota' }, count);
  }

  /** The next `count` requests lose their connection without any answer. */
  drop(count = 1): void {
    this.#push({ kind: 'drop' }, count);
  }

  /**
   * The next `count` chat completions answer 200 with content that breaks the schema they were
   * sent (`schema`: an outcome outside its enum, a field missing) or a refusal (`refusal`).
   */
  badAnswer(kind: ChatAnswerFault, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`fault count must be a positive integer, got ${count}`);
    for (let i = 0; i < count; i += 1) this.#answers.push(kind);
  }

  /** The bad answer for the chat completion being handled, if one is queued. */
  takeBadAnswer(): ChatAnswerFault | undefined {
    return this.#answers.shift();
  }

  /**
   * From now on, requests are read and then parked unanswered until `release()`; with `path`,
   * only requests whose path ends with it (e.g. `/chat/completions`).
   */
  hold(path?: string): void {
    this.#holding = true;
    this.#holdPath = path;
  }

  /** Answers every parked request and stops holding. */
  release(): void {
    this.#holding = false;
    this.#holdPath = undefined;
    const parked = this.#parked;
    this.#parked = [];
    for (const resume of parked) resume();
  }

  get holding(): boolean {
    return this.#holding;
  }

  /** Whether a request at `path` would be parked now. */
  holds(path = ''): boolean {
    return this.#holding && (this.#holdPath === undefined || path.endsWith(this.#holdPath));
  }

  /** Faults still queued, counting repeats. */
  get pending(): number {
    return this.#queue.reduce((sum, queued) => sum + queued.remaining, 0);
  }

  /** Forgets queued faults and the delay, and releases parked requests. */
  reset(): void {
    this.#queue.length = 0;
    this.#answers.length = 0;
    this.delayMs = 0;
    this.release();
  }

  /** The fault for the request being handled (at `path`), if one is queued for it. */
  take(path = ''): Fault | undefined {
    const index = this.#queue.findIndex(({ fault }) => fault.kind !== 'status' || fault.spec.path === undefined || path.endsWith(fault.spec.path));
    const head = this.#queue[index];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.#queue.splice(index, 1);
    return head.fault;
  }

  /** Resolves at once (false) unless holding requests at `path`; then (true) when `release()` is called. */
  async park(path = ''): Promise<boolean> {
    if (!this.holds(path)) return false;
    await new Promise<void>((resume) => this.#parked.push(resume));
    return true;
  }

  #push(fault: Fault, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`fault count must be a positive integer, got ${count}`);
    this.#queue.push({ fault, remaining: count });
  }
}

/** The answer for a taken fault: the live body for its status unless the test gave one. */
export function faultAnswer(fault: Exclude<Fault, { kind: 'drop' }>, model: string, requestsPerMinute: number): ApiAnswer {
  if (fault.kind === 'quota') return faultBodies.quota();
  const { spec } = fault;
  let answer: ApiAnswer;
  if (spec.body !== undefined) answer = jsonAnswer(spec.body, spec.status);
  else if (spec.status === 429) {
    const seconds = spec.retryAfterMs !== undefined ? Number(spec.retryAfterMs) / 1000 : Number(spec.retryAfter);
    answer = faultBodies.rateLimit(model, Number.isFinite(seconds) ? seconds : undefined, requestsPerMinute);
  } else if (spec.status === 503) answer = faultBodies.overloaded();
  else if (spec.status >= 500) answer = faultBodies.serverError(spec.status);
  else answer = errorAnswer(spec.status, `Injected fault ${spec.status}`);
  const headers: Record<string, string> = {};
  if (spec.retryAfter !== undefined) headers['retry-after'] = spec.retryAfter;
  if (spec.retryAfterMs !== undefined) headers['retry-after-ms'] = spec.retryAfterMs;
  if (spec.shouldRetry !== undefined) headers['x-should-retry'] = String(spec.shouldRetry);
  return { ...answer, headers };
}
