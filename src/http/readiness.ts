import { redactUrlCredentials } from '../observability/redact-url-credentials.ts';

/** One part of the service /ready reports on. `check` resolves to a detail, or throws why not. */
export interface ComponentCheck {
  name: string;
  check(): Promise<string>;
}

export interface ComponentState {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  components: ComponentState[];
}

/**
 * Runs every component check (each bounded by `timeoutMs`) and caches the report for `cacheMs`,
 * so a tight probe loop or a scrape never hammers Notion or the SFTP server.
 */
export class Readiness {
  private cached?: { at: number; report: Promise<ReadinessReport> };
  private stopping = false;

  constructor(
    private readonly components: ComponentCheck[],
    private readonly options: { cacheMs?: number; timeoutMs?: number; onReport?: (report: ReadinessReport) => void } = {},
  ) {}

  /** From now on /ready answers 503: the process is shutting down. */
  markStopping(): void {
    this.stopping = true;
    this.cached = undefined;
  }

  report(): Promise<ReadinessReport> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < (this.options.cacheMs ?? 5000)) return this.cached.report;
    const report = this.evaluate();
    this.cached = { at: now, report };
    return report;
  }

  private async evaluate(): Promise<ReadinessReport> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const components = await Promise.all(
      this.components.map(async ({ name, check }): Promise<ComponentState> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const detail = await Promise.race([
            check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return { name, ok: true, detail: redactUrlCredentials(detail) };
        } catch (error) {
          return { name, ok: false, detail: redactUrlCredentials(error instanceof Error ? error.message : String(error)) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    if (this.stopping) components.push({ name: 'process', ok: false, detail: 'shutting down' });
    const report = { ready: components.every((c) => c.ok), components };
    this.options.onReport?.(report);
    return report;
  }
}
