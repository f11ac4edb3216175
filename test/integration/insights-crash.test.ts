import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { PermanentError } from '../../src/errors.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { FilesPublisher } from '../../src/publish/files-publisher.ts';
import type { Publisher } from '../../src/publish/publisher.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { freePort } from '../helpers/free-port.ts';
import { listFiles } from '../helpers/list-files.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CHAT = '/chat/completions';

describe('insights are asked once per recording (real ledger; a real child process for the crash)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let dataDir: string;
  let env: Record<string, string>;
  const started: RecpipeService[] = [];

  beforeEach(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-insights-crash-'));
    dataDir = path.join(root, 'data');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    env = {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      HTTP_PORT: String(await freePort()),
      INBOX_STABLE_MS: '200',
      INBOX_RESCAN_INTERVAL_MS: '2000',
      INSIGHTS_MODEL: 'gpt-4o-mini',
    };
  });

  afterEach(async () => {
    for (const service of started.splice(0)) await service.stop('SIGKILL').catch(() => {});
    emulator.faults.release();
    await running.close();
  });

  const chats = () => emulator.stats.requests.filter((r) => r.path.endsWith(CHAT));
  const transcript = async (): Promise<TranscriptDocument | undefined> => {
    const dir = path.join(dataDir, 'transcripts');
    const json = (await readdir(dir).catch(() => [])).find((f) => f.endsWith('.json'));
    return json ? (JSON.parse(await readFile(path.join(dir, json), 'utf8')) as TranscriptDocument) : undefined;
  };

  it('SIGKILL while the insights request is in flight: the restart asks once more, and the page gets its insights', async () => {
    emulator.say('Thank you for calling, my supervisor will call you back.');
    await writeTestAudio(path.join(dataDir, 'inbox', 'call.wav'), { seconds: 3, seed: 77 });
    emulator.faults.hold(CHAT);
    let service = await RecpipeService.start(env, root);
    started.push(service);
    await waitFor('the insights request held', () => emulator.stats.held >= 1, 60_000);
    // transcribed and checkpointed; the model's answer has not arrived
    expect(emulator.stats.requests.filter((r) => r.path.endsWith('/audio/transcriptions'))).toHaveLength(1);
    await service.stop('SIGKILL');
    emulator.faults.release();
    expect(await transcript()).toBeUndefined();

    service = await RecpipeService.start(env, root);
    started.push(service);
    await waitFor('the transcript', async () => (await transcript()) !== undefined, 60_000);
    expect((await service.stop('SIGTERM')).code).toBe(0);
    // at most one repeat: the request cut by the crash, then one answered
    expect(chats()).toHaveLength(2);
    expect(chats().filter((r) => r.status === 200 && r.delivered)).toHaveLength(1);
    expect(emulator.stats.requests.filter((r) => r.path.endsWith('/audio/transcriptions'))).toHaveLength(1);
    expect((await transcript())?.insights?.outcome).toBe('escalated');
  });

  it('a publish that fails after the insights checkpoint: `recpipe retry` publishes without asking the model again', async () => {
    await writeTestAudio(path.join(dataDir, 'inbox', 'call.wav'), { seconds: 3, seed: 78 });
    const config = loadConfig({ ...env, WATCH_INBOX: 'false', INBOX_STABLE_MS: '0', LOG_LEVEL: 'silent', MAX_ATTEMPTS: '1' });
    const log = createLogger({ ...config.log, destination: process.stderr });
    let failing = true;
    const files = new FilesPublisher(config.paths.transcriptsDir);
    const flaky: Publisher = {
      name: 'files',
      publish: async (doc) => {
        if (failing) throw new PermanentError('the publisher is down');
        return files.publish(doc);
      },
    };
    const first = await Service.create(config, log, { publishers: [flaky] });
    try {
      const { tally } = await first.runOnce();
      expect(tally.failedCount).toBe(1);
    } finally {
      await first.close();
    }
    expect(chats()).toHaveLength(1);

    expect((await runRecpipe(['retry', '--failed'], env, root)).code).toBe(0);
    failing = false;
    const second = await Service.create(config, log, { publishers: [flaky] });
    try {
      const { tally } = await second.runOnce();
      expect(tally.summary('run').succeeded).toBe(1);
    } finally {
      await second.close();
    }
    expect(chats()).toHaveLength(1);
    expect((await transcript())?.insights).toBeDefined();
    expect((await listFiles(path.join(dataDir, 'processed'))).length).toBe(1);
  });
});
