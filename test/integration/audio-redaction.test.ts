import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { playbackAudio } from '../../src/audio/playback-audio.ts';
import type { Span } from '../../src/audio/span.ts';
import { createNotionEmulator, type NotionEmulator } from '../../src/emulators/notion/notion-emulator.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/emulators/slack-emulator.ts';
import { sha256File } from '../../src/files/sha256-file.ts';
import { serveApp, type ServedApp } from '../../src/http/serve-app.ts';
import { NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import { listFiles } from '../helpers/list-files.ts';
import { decodePcm, difference, rmsDbfs } from '../helpers/pcm-levels.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio, type TestAudioOptions } from '../helpers/test-audio.ts';

/**
 * Five utterances over a 10 s call, 2 s each (the emulator spreads a script evenly, and its
 * words evenly inside each utterance). The card is said across utterances 2 and 3, the code in 4.
 */
const SCRIPT = ['Hello, thanks for calling today.', 'Sure, it is 4111 1111', '1111 1111.', 'And the security code is 123.', 'Thank you, goodbye.'];
/** Worked out here from the script, not by the code under test: "4111" is the 4th of 5 words in [2, 4). */
const CARD: Span = { start: 2 + 3 * 0.4, end: 6 };
const CODE: Span = { start: 6 + (5 * 2) / 6, end: 8 };
const PAD = 0.25;
const padded = (s: Span): Span => ({ start: s.start - PAD, end: s.end + PAD });
/**
 * Audio that must come out as it went in, a GSM block's worth clear of the padded spans: GSM is
 * muted in whole 40 ms blocks, and the block after a span decodes a little differently.
 */
const KEPT: Span[] = [
  { start: 0.05, end: CARD.start - PAD - 0.1 },
  { start: padded(CARD).end + 0.1, end: padded(CODE).start - 0.1 },
  { start: padded(CODE).end + 0.1, end: 9.95 },
];
const CARD_DIGITS = /4111[ ,.-]*1111[ ,.-]*1111[ ,.-]*1111|1111 1111|code is 123/;

async function allText(dir: string): Promise<string> {
  return (await Promise.all((await listFiles(dir)).map((f) => readFile(f, 'latin1')))).join('\n');
}

// several CLI runs per test, each spawning ffmpeg, on a shared 2-core machine
describe('the archived audio never holds a card number (run --once, real ffmpeg, emulators)', { timeout: 240_000 }, () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let notion: NotionEmulator;
  let notionServer: ServedApp;
  let databaseId: string;
  let slack: SlackEmulator;
  let slackServer: Awaited<ReturnType<SlackEmulator['start']>>;
  let root: string;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-audio-redaction-'));
    notion = createNotionEmulator({ token: 'ntn_test', requestsPerSecond: 0 });
    databaseId = notion.createDatabase('Calls', NOTION_PROPERTIES).databaseId;
    notionServer = await serveApp(notion.app);
    slack = createSlackEmulator({ token: 'xoxb-test', channels: ['alerts'] });
    slackServer = await slack.start();
  });

  afterAll(async () => Promise.all([running.close(), notionServer.close(), slackServer.close()]));

  /** A fresh DATA_DIR with one recording in the inbox; the original kept outside it for comparison. */
  async function setUp(name: string, audio: TestAudioOptions, extra: Record<string, string> = {}) {
    const dataDir = path.join(root, name);
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      INBOX_STABLE_MS: '0',
      LOG_LEVEL: 'debug',
      NOTION_TOKEN: 'ntn_test',
      NOTION_DATABASE_ID: databaseId,
      NOTION_BASE_URL: notionServer.url,
      NOTION_ATTACH_AUDIO: 'true',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_CHANNEL: 'alerts',
      SLACK_API_URL: slackServer.apiUrl,
      ...extra,
    };
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    const original = path.join(root, `${name}-original.wav`);
    await writeTestAudio(original, audio);
    await copyFile(original, path.join(dataDir, 'inbox', `${name}.wav`));
    return { env, dataDir, original };
  }

  async function archivedFile(dataDir: string): Promise<string> {
    const files = await listFiles(path.join(dataDir, 'processed'));
    expect(files).toHaveLength(1);
    return files[0]!;
  }

  /** Nothing under DATA_DIR, in the run's output (debug logs), Notion or Slack holds the digits. */
  async function expectNoDigits(dataDir: string, run: { stdout: string; stderr: string }): Promise<void> {
    const everything = (await allText(dataDir)) + run.stdout + run.stderr + JSON.stringify(notion.pages()) + JSON.stringify(slack.messages());
    expect(everything).not.toMatch(CARD_DIGITS);
    expect(run.stdout + run.stderr).toMatch(/"level":20|DEBUG/); // debug lines were really written and searched
  }

  it('mono GSM WAV: only the words of the card and code are muted, the rest is kept, it stays GSM, Notion gets the muted MP3', async () => {
    const { env, dataDir, original } = await setUp('gsm', { seconds: 10, seed: 11, codec: 'gsm_ms' });
    emulator.say(...SCRIPT);
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);

    const archived = await archivedFile(dataDir);
    expect(path.basename(archived)).toBe('gsm.wav');
    const info = await probeAudio(archived);
    expect(info).toMatchObject({ codec: 'gsm_ms', channels: 1, sampleRate: 8000 });
    expect(Math.abs(info.durationSeconds - 10)).toBeLessThan(0.05);

    const before = await decodePcm(original, 1, 8000);
    const after = await decodePcm(archived, 1, 8000);
    expect(rmsDbfs(before, 0, padded(CARD))).toBeGreaterThan(-20); // the tone is loud there before
    for (const span of [padded(CARD), padded(CODE)]) expect(rmsDbfs(after, 0, span)).toBeLessThan(-50);
    // blocks away from the spans are the original bytes: decoded, the same samples (the decoder
    // state may differ for one block after a span, which KEPT leaves out)
    for (const span of KEPT) {
      expect(rmsDbfs(after, 0, span)).toBeGreaterThan(-20);
      expect(difference(before, after, 0, span).snrDb).toBeGreaterThan(20);
    }
    // the words before the card were not muted: word times, not the whole segment [2, 4)
    expect(rmsDbfs(after, 0, { start: 2.0, end: 2.8 })).toBeGreaterThan(-20);

    // the playable copy on the Notion page is the MP3 of the redacted audio, byte for byte
    const page = notion.pages().find((p) => p.properties.File === 'gsm.wav')!;
    const upload = page.blocks.find((b) => b.type === 'audio')!.upload!;
    const expected = await playbackAudio(archived, await mkdtemp(path.join(root, 'mp3-')), 'gsm.wav');
    expect(upload.sha256).toBe(await sha256File(expected.path));

    expect(await listFiles(path.join(dataDir, 'inbox'))).toEqual([]);
    expect(await listFiles(path.join(dataDir, 'work'))).toEqual([]);
    await expectNoDigits(dataDir, run);
  });

  it('stereo PCM WAV: both channels are muted over the span (the agent reads the number back), every other sample is unchanged', async () => {
    const { env, dataDir, original } = await setUp('stereo', { seconds: 10, seed: 12, channels: 2 });
    // one request per channel, channel 0 first: the caller says the number, the agent only listens
    emulator.say(...SCRIPT);
    emulator.say('Okay.', 'Mm-hmm.', 'Got it.', 'Right.', 'Thanks.');
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);

    const archived = await archivedFile(dataDir);
    expect(await probeAudio(archived)).toMatchObject({ codec: 'pcm_s16le', channels: 2, durationSeconds: 10 });
    const before = await decodePcm(original, 2, 8000);
    const after = await decodePcm(archived, 2, 8000);
    for (const channel of [0, 1]) {
      for (const span of [padded(CARD), padded(CODE)]) {
        expect(rmsDbfs(before, channel, span)).toBeGreaterThan(-20);
        expect(rmsDbfs(after, channel, span)).toBeLessThan(-50);
      }
      // PCM in, PCM out: outside the padded spans (to the sample) nothing changed at all
      for (const span of [
        { start: 0, end: padded(CARD).start - 0.001 },
        { start: padded(CARD).end + 0.001, end: padded(CODE).start - 0.001 },
        { start: padded(CODE).end + 0.001, end: 10 },
      ]) {
        expect(difference(before, after, channel, span).maxAbs).toBe(0);
      }
    }
    await expectNoDigits(dataDir, run);
  });

  it('a duplicate of a redacted recording is archived with the same spans muted, never as it came', async () => {
    const { env, dataDir, original } = await setUp('dup', { seconds: 10, seed: 17, codec: 'gsm_ms' }, { CONCURRENCY: '1' });
    await copyFile(original, path.join(dataDir, 'inbox', 'dup-again.wav'));
    emulator.say(...SCRIPT);
    const requestsBefore = emulator.stats.received;
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.code).toBe(0);
    expect(emulator.stats.received).toBe(requestsBefore + 1);
    const archived = await listFiles(path.join(dataDir, 'processed'));
    expect(archived).toHaveLength(2);
    for (const file of archived) {
      const audio = await decodePcm(file, 1, 8000);
      expect(rmsDbfs(audio, 0, padded(CARD))).toBeLessThan(-50);
      expect(rmsDbfs(audio, 0, KEPT[0]!)).toBeGreaterThan(-20);
    }
    expect(await listFiles(path.join(dataDir, 'work'))).toEqual([]);
    await expectNoDigits(dataDir, run);
  });

  it('a model without word times (gpt-4o-transcribe) mutes the whole segment: here the whole request', async () => {
    const { env, dataDir, original } = await setUp('gpt4o', { seconds: 6, seed: 13 }, { TRANSCRIBE_MODEL: 'gpt-4o-transcribe' });
    emulator.say('Sure, it is 4111 1111 1111 1111, thanks.');
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    const after = await decodePcm(await archivedFile(dataDir), 1, 8000);
    expect(rmsDbfs(await decodePcm(original, 1, 8000), 0, { start: 0, end: 6 })).toBeGreaterThan(-20);
    expect(rmsDbfs(after, 0, { start: 0, end: 6 })).toBeLessThan(-50);
    await expectNoDigits(dataDir, run);
  });

  it('REDACT_AUDIO=off keeps the audio as it came (and says so in the log)', async () => {
    const { env, dataDir, original } = await setUp('off', { seconds: 10, seed: 14 }, { REDACT_AUDIO: 'off' });
    emulator.say(...SCRIPT);
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    expect(await sha256File(await archivedFile(dataDir))).toBe(await sha256File(original));
    expect(run.stdout + run.stderr).toContain('REDACT_AUDIO=off');
  });

  it('REDACT_AUDIO=beep replaces the span with a 1 kHz tone on every channel', async () => {
    const { env, dataDir } = await setUp('beep', { seconds: 10, seed: 15, channels: 2 }, { REDACT_AUDIO: 'beep' });
    emulator.say(...SCRIPT);
    emulator.say('Okay.');
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    const archived = await archivedFile(dataDir);
    // a 1 kHz band-pass keeps the beep; the test tones of seed 15 are far from 1 kHz
    const filtered = path.join(root, 'beep-1k.wav');
    const { mediaToolPath, runMediaProcess } = await import('../../src/audio/ffmpeg-process.ts');
    const bandpass = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), ['-nostdin', '-v', 'error', '-y', '-i', archived, '-af', 'bandpass=f=1000:width_type=q:w=8', filtered]);
    expect(bandpass.exitCode).toBe(0);
    const beep = await decodePcm(filtered, 2, 8000);
    const inner = { start: CARD.start, end: CARD.end };
    for (const channel of [0, 1]) {
      expect(rmsDbfs(beep, channel, inner)).toBeGreaterThan(-20);
      expect(rmsDbfs(beep, channel, KEPT[0]!)).toBeLessThan(-30);
    }
  });

  it('doctor says plainly that SFTP_AFTER_SUCCESS=leave keeps the unredacted original on the server', async () => {
    const base = { DATA_DIR: path.join(root, 'doctor'), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: running.url };
    const sftp = { SFTP_HOST: '127.0.0.1', SFTP_PORT: '1', SFTP_USERNAME: 'u', SFTP_PASSWORD: 'p', SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: 'true' };
    const leave = await runRecpipe(['doctor'], { ...base, ...sftp }, root);
    const line = (run: { stdout: string }) => run.stdout.split('\n').find((l) => /^\S+\s+audio /.test(l)) ?? '';
    expect(line(leave)).toMatch(/^ok\s+audio\s+REDACT_AUDIO=mute: .*SFTP_AFTER_SUCCESS=leave: the UNREDACTED original stays on the SFTP server/);
    const deleting = await runRecpipe(['doctor'], { ...base, ...sftp, SFTP_AFTER_SUCCESS: 'delete' }, root);
    expect(line(deleting)).toMatch(/REDACT_AUDIO=mute/);
    expect(line(deleting)).not.toContain('UNREDACTED');
    expect(line(await runRecpipe(['doctor'], { ...base, REDACT_AUDIO: 'off' }, root))).toContain('REDACT_AUDIO=off: the archived audio and the Notion MP3 still hold');
  });

  it('a failure after the audio was redacted keeps only the redacted copy in failed/, and the retry never transcribes again', async () => {
    const { env, dataDir, original } = await setUp('resume', { seconds: 10, seed: 16 });
    emulator.say(...SCRIPT);
    notion.faults.enqueue({ status: 400, code: 'validation_error', method: 'POST', path: '/v1/pages', count: 1 });
    const requestsBefore = emulator.stats.received;
    const first = await runRecpipe(['run', '--once'], env, root);
    expect(first.stdout).toMatch(/summary: 0 done, 1 failed/);
    expect(emulator.stats.received).toBe(requestsBefore + 1);

    const failed = (await listFiles(path.join(dataDir, 'failed'))).filter((f) => !f.endsWith('.error.json'));
    expect(failed).toHaveLength(1);
    expect(rmsDbfs(await decodePcm(failed[0]!, 1, 8000), 0, padded(CARD))).toBeLessThan(-50);
    const originalSha = await sha256File(original);
    const hashes = await Promise.all((await listFiles(dataDir)).map((f) => sha256File(f)));
    expect(hashes).not.toContain(originalSha);

    expect((await runRecpipe(['retry', '--failed'], env, root)).code).toBe(0);
    const second = await runRecpipe(['run', '--once'], env, root);
    expect(second.stdout).toMatch(/summary: 1 done, 0 failed/);
    expect(emulator.stats.received).toBe(requestsBefore + 1);
    const after = await decodePcm(await archivedFile(dataDir), 1, 8000);
    expect(rmsDbfs(after, 0, padded(CARD))).toBeLessThan(-50);
    expect(rmsDbfs(after, 0, KEPT[0]!)).toBeGreaterThan(-20);
    expect(await listFiles(path.join(dataDir, 'failed'))).toEqual([]);
    await expectNoDigits(dataDir, { stdout: first.stdout + second.stdout, stderr: first.stderr + second.stderr });
  });
});
