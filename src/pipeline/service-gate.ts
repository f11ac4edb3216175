import type { Logger } from 'pino';
import { ServiceError, messageOf, serviceErrorOf, type ServiceComponent } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Notifier } from '../publish/notifier.ts';

/** A periodic check of one part of the service; resolves when usable, throws why not. */
export interface ServiceProbe {
  component: ServiceComponent;
  check(): Promise<void>;
  /**
   * Run before each recording starts (cached `cacheMs`) and at every periodic check, closing the
   * gate before a recording can meet the trouble (the disk floor). Otherwise the probe only runs
   * while its component is closed, to find out when it heals (the OpenAI key check).
   */
  proactive?: boolean;
}

export interface ServiceGateDeps {
  probes: ServiceProbe[];
  /** How often closed components (and proactive probes) are checked; SERVICE_CHECK_INTERVAL_MS. */
  intervalMs: number;
  /** How long a proactive probe's answer is reused before each recording; default 5000. */
  cacheMs?: number;
  log: Logger;
  notifier?: Notifier;
  metrics?: Pick<Metrics, 'pipelinePaused'>;
}

/** A closed component: why, and since when. */
export interface Pause {
  component: ServiceComponent;
  reason: string;
  since: number;
}

/**
 * Service-level trouble pauses intake instead of failing recordings. A recording that meets a
 * ServiceError closes the gate for its component; while any component is closed no recording
 * starts (it stays pending), /ready is 503 with the reason and one alert goes out. A periodic
 * check reopens each component when its probe passes (a component without a probe is tried again
 * by the next recording), and the listeners (the resume of pending recordings) are told; the
 * "resumed" alert goes out when a recording is done again.
 */
export class ServiceGate {
  readonly #closed = new Map<ServiceComponent, Pause>();
  readonly #listeners: Array<() => void> = [];
  /** Components alerted as paused, and since when: the "resumed" alert waits for a recording done. */
  readonly #alerted = new Map<ServiceComponent, number>();
  #proactiveAt = 0;
  #proactive?: Promise<void>;
  #timer?: NodeJS.Timeout;
  #checking?: Promise<void>;

  constructor(private readonly deps: ServiceGateDeps) {}

  get isOpen(): boolean {
    return this.#closed.size === 0;
  }

  /** What is paused and why, oldest first. */
  pauses(): Pause[] {
    return [...this.#closed.values()].sort((a, b) => a.since - b.since);
  }

  /** One line for /ready, logs and `run --once`: `openai: key rejected; disk: …`. */
  describe(): string {
    return this.pauses()
      .map((p) => `${p.component}: ${p.reason}`)
      .join('; ');
  }

  /** For /ready: resolves while open, throws the reasons while paused. */
  async readiness(): Promise<string> {
    if (!this.isOpen) throw new Error(`paused: ${this.describe()}`);
    return 'running';
  }

  /** Called when the gate opens again after a pause (pending recordings are picked up). */
  onReopen(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /**
   * Before a recording starts: throws the ServiceError of a closed gate, or of a proactive probe
   * that fails now (answers cached `cacheMs`), so the recording stays pending.
   */
  async beforeStart(): Promise<void> {
    if (Date.now() - this.#proactiveAt >= (this.deps.cacheMs ?? 5000)) {
      this.#proactiveAt = Date.now();
      this.#proactive = this.#runProbes(this.deps.probes.filter((p) => p.proactive));
    }
    await this.#proactive;
    const first = this.pauses()[0];
    if (first) throw new ServiceError(first.component, first.reason);
  }

  /** Closes the component of a service-level error; alerts and counts only on the first close. */
  close(error: ServiceError): void {
    if (this.#closed.has(error.component)) return;
    this.#closed.set(error.component, { component: error.component, reason: error.reason, since: Date.now() });
    this.deps.metrics?.pipelinePaused.set({ component: error.component }, 1);
    this.deps.log.warn({ component: error.component, reason: error.reason }, 'service trouble: intake paused, recordings stay pending');
    // a probe can pass while the trouble remains (quota: listing models is free), so the gate may
    // close again at the next recording; one alert per outage, until a recording proves it healed
    if (this.#alerted.has(error.component)) return;
    this.#alerted.set(error.component, Date.now());
    void this.deps.notifier?.servicePaused?.(error.component, error.reason);
  }

  /** A recording finished: every alerted outage is over; say so once. */
  recordingDone(): void {
    if (this.#alerted.size === 0 || !this.isOpen) return;
    for (const [component, since] of this.#alerted) void this.deps.notifier?.serviceResumed?.(component, Date.now() - since);
    this.#alerted.clear();
  }

  /** Runs the probes now: a failing proactive probe closes its component, a passing probe reopens it. */
  check(): Promise<void> {
    this.#checking ??= this.#runProbes(this.deps.probes.filter((p) => p.proactive || this.#closed.has(p.component))).finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /** Starts the periodic check (unref'd: it never keeps the process alive). */
  start(): void {
    this.#timer ??= setInterval(() => void this.check(), this.deps.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #runProbes(probes: ServiceProbe[]): Promise<void> {
    const probed = new Set(probes.map((p) => p.component));
    const results = await Promise.all(
      probes.map(async (probe) => {
        try {
          await probe.check();
          return { probe, error: undefined };
        } catch (error) {
          return { probe, error };
        }
      }),
    );
    let reopened = false;
    for (const { probe, error } of results) {
      if (error === undefined) reopened = this.#reopen(probe.component) || reopened;
      else this.close(serviceErrorOf(error) ?? new ServiceError(probe.component, messageOf(error), { cause: error }));
    }
    // nothing can check it from here: let the next recording find out
    for (const component of [...this.#closed.keys()]) {
      if (!probed.has(component) && !this.deps.probes.some((p) => p.component === component)) reopened = this.#reopen(component) || reopened;
    }
    if (reopened && this.isOpen) for (const listener of [...this.#listeners]) listener();
  }

  #reopen(component: ServiceComponent): boolean {
    const pause = this.#closed.get(component);
    if (!pause) return false;
    this.#closed.delete(component);
    const downForMs = Date.now() - pause.since;
    this.deps.metrics?.pipelinePaused.set({ component }, 0);
    this.deps.log.info({ component, downForMs }, 'service check passed: intake resumes');
    return true;
  }
}
