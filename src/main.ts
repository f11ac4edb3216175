import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { RunningPipeline } from '../streams/pipeline.ts';
import { startRecordingFlow, type FlowSources } from '../streams/recording-flow.ts';
import { redactedConfig, type Config } from './config.ts';
import { serveApp, type ServedApp } from './http/serve-app.ts';
import { createHttpApp } from './http/http-app.ts';
import { Readiness } from './http/readiness.ts';
import { InboxHandler } from './inbox/inbox-handler.ts';
import { InboxRefusals } from './inbox/inbox-refusals.ts';
import type { SftpPoller } from './sftp/sftp-poller.ts';
import { WalkPlanner } from './sftp/walk-planner.ts';
import { SourceHealth } from './sftp/source-health.ts';
import type { Ledger } from './ledger/ledger.ts';
import { SqliteLedger } from './ledger/sqlite-ledger.ts';
import { Metrics } from './observability/metrics.ts';
import type { Outcome } from './pipeline/outcome.ts';
import { type ProcessDeps } from './pipeline/process-recording.ts';
import { recordingStages } from './pipeline/recording-stages.ts';
import { routeFailure } from './pipeline/route-failure.ts';
import { RunTally } from './pipeline/run-tally.ts';
import type { SourceHandler } from './pipeline/source-handler.ts';
import { FilesPublisher } from './publish/files-publisher.ts';
import { loadIntegrations, type Integrations } from './integrations.ts';
import type { Notifier } from './publish/notifier.ts';
import type { Publisher } from './publish/publisher.ts';
import type { SourceKind } from './recording.ts';
import { buildCallEnricher } from './five9/call-enricher.ts';
import { buildRedactor } from './redact/redactor.ts';
import { OpenAiTranscriber } from './transcribe/openai-transcriber.ts';
import { requestLimitsFor } from './transcribe/request-limits.ts';
import type { Transcriber } from './transcribe/transcriber.ts';
import type { ComponentCheck } from './http/readiness.ts';
import { access } from 'node:fs/promises';
import { freeBytes } from './files/free-bytes.ts';
import { scheduleRetention } from './retention/retention-run.ts';
import { scheduleDaily } from './pipeline/daily-schedule.ts';
import { createDoneNotice } from './pipeline/done-notice.ts';
import { checkDiskFloor } from './files/disk-floor-probe.ts';
import { ServiceGate, type ServiceProbe } from './pipeline/service-gate.ts';
import { checkOpenAi } from './transcribe/openai-check.ts';
import { PRIVATE_DIR_MODE } from './files/atomic-write.ts';
import { DataDirLock } from './files/data-dir-lock.ts';
import type { InsightsSettings } from './insights/add-insights.ts';
import { insightFlags } from './insights/insight-flags.ts';
import { OpenAiInsightsModel } from './insights/openai-insights-model.ts';
import { tightenModes } from './files/tighten-modes.ts';
import { ConsoleStore } from './http/console/console-store.ts';
import { backfillSearchIndex } from './publish/backfill-search-index.ts';
import { SearchIndexPublisher } from './publish/search-index-publisher.ts';

/** Parts a caller (tests, the demo) may supply instead of the ones built from the config. */
export interface ServiceOverrides {
  transcriber?: Transcriber;
  publishers?: Publisher[];
  notifier?: Notifier;
  ledger?: Ledger;
}

/** The composed service: everything built in order from one configuration. */
export class Service {
  readonly metrics = new Metrics();
  readonly ledger: Ledger;
  private readonly transcriber: Transcriber;
  private readonly publishers: Publisher[];
  private readonly notifier?: Notifier;
  private readonly handlers: Partial<Record<SourceKind, SourceHandler>>;
  private readonly watcherClosings: Array<Promise<void>> = [];
  private readonly sftpPoller?: SftpPoller;
  private readonly sftpHealth?: SourceHealth;
  readonly tally = new RunTally();
  /** Service-level trouble (key, quota, API, disk, ledger) pauses intake here; see ServiceGate. */
  readonly gate: ServiceGate;
  private lock?: DataDirLock;
  /** The pipeline's "pick up pending rows now" listeners (the console's retry calls them). */
  private readonly resumeListeners = new Set<() => void>();

  /** The service for `config`, with the integrations it configures loaded (and only those). */
  static async create(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Service> {
    return new Service(config, log, overrides, await loadIntegrations(config));
  }

  private constructor(
    readonly config: Config,
    readonly log: Logger,
    overrides: ServiceOverrides,
    private readonly integrations: Integrations,
  ) {
    this.ledger = overrides.ledger ?? new SqliteLedger(config.paths.sqlitePath);
    this.transcriber =
      overrides.transcriber ??
      new OpenAiTranscriber({
        apiKey: config.openai.apiKey ?? '',
        baseURL: config.openai.baseURL,
        model: config.openai.model,
        timeoutMs: config.openai.timeoutMs,
      });
    this.publishers = overrides.publishers ?? this.buildPublishers();
    this.notifier =
      overrides.notifier ??
      (config.slack && integrations.slack ? new integrations.slack.SlackNotifier({ ...config.slack, metrics: this.metrics, logger: log.child({ component: 'slack' }) }) : undefined);
    this.gate = new ServiceGate({
      probes: this.serviceProbes(overrides.transcriber === undefined),
      intervalMs: config.service.checkIntervalMs,
      log: log.child({ component: 'service-gate' }),
      notifier: this.notifier,
      metrics: this.metrics,
    });
    this.handlers = { inbox: new InboxHandler(config.paths.inboxDir) };
    if (config.sftp && integrations.sftp) {
      const { SftpPoller, SftpHandler } = integrations.sftp;
      this.sftpHealth = new SourceHealth('sftp', {
        log: log.child({ component: 'sftp' }),
        notifier: this.notifier,
        alertAfter: config.sftp.alertAfterFailures,
      });
      const planner = new WalkPlanner(
        this.ledger.sourceHistory('sftp'),
        { recentDays: config.sftp.recentDays, fullScanIntervalMs: config.sftp.fullScanIntervalMs, timeZone: config.five9.timeZone },
        config.sftp.remoteDir,
      );
      this.sftpPoller = new SftpPoller(config.sftp, { metrics: this.metrics, log: log.child({ component: 'sftp' }), health: this.sftpHealth, planner });
      this.handlers.sftp = new SftpHandler(config.sftp, { workDir: config.paths.workDir, maxDownloads: config.sftp.maxDownloads, metrics: this.metrics });
    }
  }

  private serviceProbes(realOpenAi: boolean): ServiceProbe[] {
    const { config } = this;
    const probes: ServiceProbe[] = [
      { component: 'disk', proactive: true, check: () => checkDiskFloor(config.paths.dataDir, config.service.diskFreeMinBytes) },
      { component: 'ledger', check: () => this.ledger.ping() },
    ];
    for (const publisher of this.publishers) {
      if (publisher.name === 'notion' && publisher.check) probes.push({ component: 'notion', check: async () => void (await publisher.check!()) });
    }
    if (realOpenAi) {
      const { apiKey, baseURL, model } = config.openai;
      probes.push({ component: 'openai', check: async () => void (await checkOpenAi({ apiKey, baseURL, model })) });
    }
    return probes;
  }

  private buildPublishers(): Publisher[] {
    const { config } = this;
    // files first: the local transcript is the record of truth even when Notion is down
    const publishers: Publisher[] = [new FilesPublisher(config.paths.transcriptsDir)];
    // right after the files: the console finds a recording only once its transcript file exists
    const index = this.ledger.recordingIndex?.();
    if (index) publishers.push(new SearchIndexPublisher(index));
    if (config.notion && this.integrations.notion) {
      publishers.push(
        new this.integrations.notion.NotionPublisher({
          ...config.notion,
          timeZone: config.five9.timeZone,
          metrics: this.metrics,
          logger: this.log.child({ component: 'notion' }),
        }),
      );
    }
    return publishers;
  }

  /**
   * One discovery pass of every source, then process everything found. `sourceErrors` names
   * each source whose listing failed (the run then counts as failed too).
   */
  async runOnce(onOutcome?: (outcome: Outcome) => void): Promise<{ tally: RunTally; sourceErrors: string[]; paused?: string }> {
    await this.prepare();
    const pipeline = this.startFlow(false, onOutcome);
    await pipeline.done;
    await this.notifier?.summary(this.tally.summary('run'));
    const sourceErrors = this.sftpHealth?.failure ? [`sftp: ${this.sftpHealth.failure}`] : [];
    // service-level trouble left the rest pending: say why instead of waiting for it to heal
    return { tally: this.tally, sourceErrors, ...(this.gate.isOpen ? {} : { paused: this.gate.describe() }) };
  }

  /** Runs until `stopSignal` fires: sources, pipeline and the HTTP server. */
  async start(stopSignal: AbortSignal): Promise<{ drained: boolean }> {
    await this.prepare();
    const readiness = new Readiness(this.readinessChecks(), {
      onReport: (report) => this.metrics.pipelineHealth.set(report.ready ? 1 : 0),
    });
    const index = this.ledger.recordingIndex?.();
    const enrich = buildCallEnricher(this.config.five9);
    if (index) await backfillSearchIndex(index, this.config.paths.transcriptsDir, this.log.child({ component: 'console' }));
    const app = createHttpApp({
      readiness,
      metrics: this.metrics,
      refreshGauges: async () => {
        this.metrics.oldestPendingAge.set(await this.ledger.oldestPendingAgeSeconds());
        this.metrics.dataDirFreeBytes.set(await freeBytes(this.config.paths.dataDir));
        const shared = await this.ledger.gauges?.();
        if (shared) {
          for (const [state, n] of Object.entries(shared.pool)) this.metrics.ledgerPoolConnections.set({ state }, n);
          this.metrics.ledgerLeasesHeld.set(shared.leasesHeld);
        }
      },
      console: index && {
        store: new ConsoleStore(this.ledger, index, this.config.paths, (row) => enrich(row).call),
        credentials: this.config.http.console,
        onRetried: () => this.resumeListeners.forEach((listener) => listener()),
      },
    });
    const http: ServedApp = await serveApp(app, { host: this.config.http.host, port: this.config.http.port });
    this.log.info({ url: http.url }, 'health and metrics server listening');
    const pipeline = this.startFlow(true);
    this.gate.start();
    this.log.info({ inbox: this.config.paths.inboxDir }, 'service started');
    const retention = scheduleRetention(this.config.paths, this.config.retention, this.log.child({ component: 'retention' }));
    const sendSummary = () => {
      void this.notifier?.summary(this.tally.summary('periodic'));
      this.tally.reset();
    };
    // SUMMARY_AT: once a day at that local time; otherwise every SUMMARY_INTERVAL_MS
    const summaries = this.config.alerts.summaryAt
      ? scheduleDaily(this.config.alerts.summaryAt, this.config.five9.timeZone, sendSummary)
      : ((timer) => ({ stop: () => clearInterval(timer) }))(setInterval(sendSummary, this.config.alerts.summaryIntervalMs));

    await new Promise<void>((resolve) => {
      if (stopSignal.aborted) resolve();
      stopSignal.addEventListener('abort', () => resolve(), { once: true });
      void pipeline.done.then(resolve);
    });
    this.log.info({ deadlineMs: this.config.pipeline.shutdownTimeoutMs }, 'stopping intake, draining in-flight recordings');
    readiness.markStopping();
    const drained = await pipeline.shutdown(this.config.pipeline.shutdownTimeoutMs);
    summaries.stop();
    retention.stop();
    this.gate.stop();
    await Promise.allSettled(this.watcherClosings);
    await http.close();
    return { drained };
  }

  async close(): Promise<void> {
    await this.notifier?.close?.(5000);
    await this.ledger.close();
    this.lock?.release();
  }

  private async prepare(): Promise<void> {
    const { paths } = this.config;
    await mkdir(paths.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // before recovery: a second processor must never hand the first one's in-flight rows back to pending
    this.lock = DataDirLock.acquire(paths.dataDir);
    const tightened = await tightenModes(paths.dataDir);
    if (tightened.length > 0) this.log.warn({ count: tightened.length, examples: tightened.slice(0, 5) }, 'DATA_DIR held files readable by other users; set them to 0700/0600');
    for (const dir of [paths.inboxDir, paths.workDir, paths.processedDir, paths.failedDir, paths.transcriptsDir]) {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    }
    const recovered = await this.ledger.recover();
    if (recovered > 0) this.log.info({ recovered }, 'recordings interrupted by a previous stop are pending again');
    this.log.debug({ config: redactedConfig(this.config) }, 'configuration');
  }

  private startFlow(continuous: boolean, onOutcome?: (outcome: Outcome) => void): RunningPipeline {
    const { config, log, metrics, ledger } = this;
    const inboxRefusals = new InboxRefusals({ log, metrics });
    const sources: FlowSources = {
      inbox: config.inbox.enabled
        ? {
            root: config.paths.inboxDir,
            watch: continuous && config.inbox.watch,
            stableMs: config.inbox.stableMs,
            rescanIntervalMs: config.inbox.rescanIntervalMs,
            log,
            onClose: (closing) => this.watcherClosings.push(closing),
            onRefusal: (where, reason) => inboxRefusals.report(where, reason),
          }
        : undefined,
      sftp:
        this.sftpPoller && config.sftp
          ? { poller: this.sftpPoller, continuous, pollIntervalMs: config.sftp.pollIntervalMs, settleMs: config.sftp.settleMs }
          : undefined,
    };
    const doneNotice = createDoneNotice(config.five9);
    const recordings = {
      ledger,
      log,
      resumeIntervalMs: continuous ? config.inbox.rescanIntervalMs : undefined,
      onResume: (listener: () => void) => {
        const stopGate = this.gate.onReopen(listener);
        this.resumeListeners.add(listener);
        return () => {
          stopGate();
          this.resumeListeners.delete(listener);
        };
      },
    };
    const deps: ProcessDeps = {
      ledger,
      sources: this.handlers,
      transcriber: this.transcriber,
      publishers: this.publishers,
      paths: config.paths,
      transcription: {
        language: config.openai.language,
        prompt: config.openai.prompt,
        agentChannel: config.five9.agentChannel,
        silenceCut: config.transcription.silenceCut,
        silenceMinSeconds: config.transcription.silenceMinSeconds,
        silenceNoiseDb: config.transcription.silenceNoiseDb,
        limits: requestLimitsFor(this.transcriber.model, {
          maxBytes: config.transcription.chunkMaxBytes,
          maxSeconds: config.transcription.chunkMaxSeconds,
        }),
      },
      enrich: buildCallEnricher(config.five9),
      redact: buildRedactor(config.redact),
      redactAudio: config.redactAudio,
      metrics,
      log,
      ...(config.insights ? { insights: this.insightsSettings(config.insights) } : {}),
    };
    return startRecordingFlow(sources, recordings, {
      ledger,
      stages: recordingStages(deps, config),
      fail: async (file, error, attempts, options) => {
        const outcome = await routeFailure(file, error, attempts, { ledger, paths: config.paths, log, sweepAfterMs: config.pipeline.retrySweepMs }, options);
        if (outcome.kind === 'failed' && outcome.firstFailure) {
          await this.notifier?.recordingFailed({
            id: outcome.id,
            fileName: file.fileName,
            source: file.source,
            stage: outcome.stage,
            reason: outcome.reason,
            attempts,
            retryAt: outcome.retryAt,
          });
        }
        return outcome;
      },
      onOutcome: (outcome) => {
        this.tally.add(outcome);
        if (outcome.kind === 'done' && config.alerts.notify === 'all') void this.notifier?.recordingDone?.(doneNotice(outcome));
        if (outcome.kind === 'done') metrics.filesProcessed.inc({ status: 'success' });
        if (outcome.kind === 'done') this.gate.recordingDone();
        else if (outcome.kind === 'failed') {
          metrics.filesProcessed.inc({ status: 'failure' });
          metrics.failuresByStage.inc({ stage: outcome.stage });
        } else if (outcome.kind === 'duplicate') metrics.duplicates.inc();
        onOutcome?.(outcome);
      },
      concurrency: config.pipeline.concurrency,
      retry: {
        maxAttempts: config.pipeline.maxAttempts,
        baseDelayMs: config.pipeline.retryBaseDelayMs,
        maxDelayMs: config.pipeline.retryMaxDelayMs,
      },
      metrics,
      log,
      gate: this.gate,
    });
  }

  /** INSIGHTS_MODEL: the chat model behind the same key and base URL, and the SLACK_ALERT_ON alert. */
  private insightsSettings(insights: NonNullable<Config['insights']>): InsightsSettings {
    const { config, notifier } = this;
    const model = new OpenAiInsightsModel({ apiKey: config.openai.apiKey ?? '', baseURL: config.openai.baseURL, model: insights.model });
    const alertOn = config.insightAlerts;
    return {
      model,
      reasons: insights.reasons,
      requiredPhrases: insights.requiredPhrases,
      alert: async (doc, found) => {
        const flags = insightFlags(found, alertOn);
        if (flags.length === 0 || !notifier?.callFlagged) return;
        await notifier.callFlagged({ id: doc.id, fileName: doc.fileName, source: doc.source, outcome: found.outcome, sentiment: found.sentiment, flags });
      },
    };
  }

  private readinessChecks(): ComponentCheck[] {
    const checks: ComponentCheck[] = [
      { name: 'ledger', check: async () => (await this.ledger.ping(), 'ok') },
      {
        name: 'inbox',
        check: async () => {
          await access(this.config.paths.inboxDir);
          return this.config.paths.inboxDir;
        },
      },
    ];
    checks.push({ name: 'intake', check: () => this.gate.readiness() });
    const sftpHealth = this.sftpHealth;
    if (sftpHealth) checks.push({ name: 'sftp', check: () => sftpHealth.check() });
    const notifier = this.notifier;
    if (notifier?.check) checks.push({ name: 'slack', check: () => notifier.check!() });
    for (const publisher of this.publishers) {
      if (publisher.check) checks.push({ name: `publish:${publisher.name}`, check: () => publisher.check!() });
    }
    return checks;
  }
}
