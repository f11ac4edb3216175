import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The `system` values classified errors carry (see src/errors.ts), plus `unknown`. */
export const RETRY_SERVICES = ['openai', 'notion', 'slack', 'sftp', 'ffmpeg', 'fs', 'unknown'] as const;

/**
 * Every instrument the service exposes on /metrics, built on one registry per process
 * (no module-level singletons, so tests can build as many as they like).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly filesProcessed = new Counter({
    name: 'files_processed_total',
    help: 'Recordings that finished processing, by outcome.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'recordings_duplicate_total',
    help: 'Files whose audio was already known under another name or source.',
    registers: [this.registry],
  });
  readonly transcriptionDuration = new Histogram({
    name: 'transcription_duration_seconds',
    help: 'Wall time of one transcription request, including the upload.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly notionApiDuration = new Histogram({
    name: 'notion_api_duration_seconds',
    help: 'Wall time of one Notion API call, including limiter wait.',
    labelNames: ['operation'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'stage_duration_seconds',
    help: 'Wall time of each pipeline stage for one recording.',
    labelNames: ['stage'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly activeSftpConnections = new Gauge({
    name: 'active_sftp_connections',
    help: 'Open SFTP connections.',
    registers: [this.registry],
  });
  readonly pipelineHealth = new Gauge({
    name: 'pipeline_health',
    help: '1 when the ledger and every enabled source and sink are usable, else 0.',
    registers: [this.registry],
  });
  readonly pipelinePaused = new Gauge({
    name: 'pipeline_paused',
    help: '1 while intake is paused by service-level trouble of this component (openai, disk, ledger), else 0.',
    labelNames: ['component'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'recordings_in_flight',
    help: 'Recordings being processed now.',
    registers: [this.registry],
  });
  readonly waiting = new Gauge({
    name: 'recordings_waiting',
    help: 'Recordings claimed and waiting for a free processing slot.',
    registers: [this.registry],
  });
  readonly oldestPendingAge = new Gauge({
    name: 'oldest_pending_recording_age_seconds',
    help: 'Age of the oldest recording not yet done or failed (0 when none).',
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'retries_total',
    help: 'Retries after transient errors, by the service that failed.',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });
  readonly audioSecondsTranscribed = new Counter({
    name: 'audio_seconds_transcribed_total',
    help: 'Audio seconds sent for transcription (what the provider bills).',
    registers: [this.registry],
  });
  readonly sourcePolls = new Counter({
    name: 'source_polls_total',
    help: 'Discovery passes of each source, by outcome.',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });
  readonly sftpPollDuration = new Histogram({
    name: 'sftp_poll_duration_seconds',
    help: 'Wall time of one SFTP listing of the remote tree, by walk (full: every folder; recent: recent and unsettled folders).',
    labelNames: ['walk'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly sftpDownloads = new Counter({
    name: 'sftp_downloads_total',
    help: 'Recordings downloaded from the SFTP server (whole and verified).',
    registers: [this.registry],
  });
  readonly sftpDownloadedBytes = new Counter({
    name: 'sftp_downloaded_bytes_total',
    help: 'Bytes of recordings downloaded from the SFTP server.',
    registers: [this.registry],
  });
  readonly sftpFoldersListed = new Gauge({
    name: 'sftp_poll_folders_listed',
    help: 'Folders listed by the last SFTP poll.',
    registers: [this.registry],
  });
  readonly sftpFilesListed = new Gauge({
    name: 'sftp_poll_files_listed',
    help: 'Files listed by the last SFTP poll.',
    registers: [this.registry],
  });
  readonly sftpFoldersSkipped = new Gauge({
    name: 'sftp_poll_folders_skipped',
    help: 'Old, settled day folders the last SFTP poll did not list (they wait for the next full walk).',
    registers: [this.registry],
  });
  readonly sftpLastFullWalk = new Gauge({
    name: 'sftp_last_full_walk_timestamp_seconds',
    help: 'When the last full walk of the SFTP tree started (Unix time; 0 before the first).',
    registers: [this.registry],
  });
  readonly ledgerPoolConnections = new Gauge({
    name: 'ledger_pool_connections',
    help: 'PostgreSQL ledger pool connections by state (total, idle, waiting clients).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly ledgerLeasesHeld = new Gauge({
    name: 'ledger_leases_held',
    help: 'Recordings this instance holds a lease on (PostgreSQL ledger).',
    registers: [this.registry],
  });
  readonly ledgerLeasesLost = new Counter({
    name: 'ledger_leases_lost_total',
    help: 'Recordings this instance stopped because another instance took its expired lease over.',
    registers: [this.registry],
  });
  readonly alertsFailed = new Counter({
    name: 'alerts_failed_total',
    help: 'Operator alerts (Slack) that could not be delivered.',
    registers: [this.registry],
  });

  readonly filesRefused = new Counter({
    name: 'files_refused_total',
    help: 'Source entries left untouched because their name or path is unsafe (a "/" or NUL from a server, a symlink, an undecodable name), counted once per entry per process.',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  });

  readonly insightsTokens = new Counter({
    name: 'insights_tokens_total',
    help: 'Tokens the insights chat model counted, by kind (prompt or completion).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly insightsDuration = new Histogram({
    name: 'insights_duration_seconds',
    help: 'Wall time of one insights request to the chat model.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    // A labelled series is absent until its first increment, and `rate()` or an alert on an absent
    // series sees "no data" after every restart: every known series starts at 0.
    for (const status of ['success', 'failure']) this.filesProcessed.inc({ status }, 0);
    for (const service of RETRY_SERVICES) this.retries.inc({ service }, 0);
    for (const status of ['success', 'failure']) this.sourcePolls.inc({ source: 'sftp', status }, 0);
    for (const kind of ['prompt', 'completion']) this.insightsTokens.inc({ kind }, 0);
  }

  /** Service name for `retries_total` from a classified error's `system`. */
  countRetry(service: string | undefined): void {
    this.retries.inc({ service: service ?? 'unknown' });
  }
}
