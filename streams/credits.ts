/**
 * The global in-pipeline bound: a recording takes a credit before its first stage and gives it
 * back when it has an outcome, so claimed recordings beyond the bound wait outside the stages
 * (the `recordings_waiting` gauge) and the work folders on disk stay bounded. FIFO.
 */
export class Credits {
  #free: number;
  #open = false;
  readonly #waiters: Array<() => void> = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  get inUse(): number {
    return this.size - this.#free;
  }

  acquire(): Promise<void> {
    if (this.#open || this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free += 1;
  }

  /** Shutdown: every waiter goes on at once (to be released, not run). */
  open(): void {
    this.#open = true;
    for (const waiter of this.#waiters.splice(0)) {
      this.#free -= 1;
      waiter();
    }
  }
}
