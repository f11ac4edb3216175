/** What the emulator saw of one request and what became of its answer. */
export interface OpenAiRequestRecord {
  /** The `x-request-id` the answer carries (`req_<hex>`). */
  requestId: string;
  path: string;
  model?: string;
  responseFormat?: string;
  /** Size of the whole request body in bytes (what the 25 MiB limit measures). */
  bytes: number;
  fileName?: string;
  /** Chat completions: every message's content as received, joined by newlines (for assertions on what left the pipeline). */
  prompt?: string;
  /** SHA-256 (hex) of the uploaded file's bytes. */
  audioSha256?: string;
  /**
   * Status of the answer; 0 while none has been decided (parked, or the connection dropped by a
   * fault); 499 when the client had left before the answer could be written.
   */
  status: number;
  /** The SDK's `X-Stainless-Retry-Count`: 0 on a first attempt. */
  retryCount: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** True while parked by `faults.hold()`. */
  held: boolean;
  /** True only once the answer has been completely written to the socket. */
  delivered: boolean;
}

/** Every request the emulator received, for assertions. */
export class OpenAiStats {
  readonly requests: OpenAiRequestRecord[] = [];

  /** Number of requests received so far. */
  get received(): number {
    return this.requests.length;
  }

  /** Number of requests parked right now. */
  get held(): number {
    return this.requests.filter((record) => record.held).length;
  }

  /** Successful transcriptions of this audio whose answer reached the socket in full. */
  deliveredFor(sha256: string): number {
    return this.requests.filter((r) => r.audioSha256 === sha256 && r.status === 200 && r.delivered).length;
  }

  /** Requests that received this status. */
  withStatus(status: number): OpenAiRequestRecord[] {
    return this.requests.filter((record) => record.status === status);
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** @internal the emulator's own bookkeeping */
  add(record: OpenAiRequestRecord): void {
    this.requests.push(record);
  }
}
