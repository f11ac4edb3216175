import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  readonly alertsFailed = new Counter({
    name: 'alerts_failed_total',
    help: 'Operator alerts (Slack) that could not be delivered.',
    registers: [this.registry],
  });

  readonly failuresByStage = new Counter({
    name: 'recording_failures_total',
    help: 'Recordings that failed, by the stage that failed them (for the dashboard).',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly dataDirFreeBytes = new Gauge({
    name: 'data_dir_free_bytes',
    help: 'Bytes free for this user on the file system holding DATA_DIR (refreshed on scrape).',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Service name for `retries_total` from a classified error's `system`. */
  countRetry(service: string | undefined): void {
    this.retries.inc({ service: service ?? 'unknown' });
  }
}
