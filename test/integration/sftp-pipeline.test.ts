import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';
import { listFiles } from '../helpers/list-files.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('sshd', 'ssh-keygen', 'openssl', 'gsm-encoder');

const HOUR_AGO = Date.now() - 3_600_000;

/** SFTP sessions the server started (sshd's log): one per listing, one per download, one per move/delete. */
async function sessionsServed(sshd: TestSshd): Promise<number> {
  const log = await readFile(sshd.logPath, 'utf8');
  return [...log.matchAll(/Starting session: forced-command/g)].length;
}

tools.describe('SFTP source against a real OpenSSH sshd', () => {
  let sshd: TestSshd;
  let openai: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let staging: string;

  beforeAll(async () => {
    sshd = await startSshd({ password: 'five9-Pa55' });
    openai = createOpenAiEmulator();
    running = await openai.start();
    staging = await mkdtemp(path.join(tmpdir(), 'recpipe-sftp-audio-'));
  });
  afterAll(async () => {
    await running.close();
    await sshd.dispose();
  });
  afterEach(async () => {
    openai.faults.reset();
  });

  /** Puts a tone recording on the server (mtime an hour ago unless told) and returns its sha256. */
  async function putRecording(
    relative: string,
    seed: number,
    options: { seconds?: number; mtimeMs?: number; codec?: 'gsm_ms' | 'pcm_s16le' } = {},
  ): Promise<string> {
    const local = path.join(staging, `${seed}.wav`);
    await writeTestAudio(local, { seconds: options.seconds ?? 2, seed, codec: options.codec ?? 'gsm_ms' });
    const bytes = await readFile(local);
    await sshd.put(relative, bytes, { mtimeMs: options.mtimeMs ?? HOUR_AGO });
    return createHash('sha256').update(bytes).digest('hex');
  }

  async function environment(name: string, extra: Record<string, string> = {}): Promise<{ env: Record<string, string>; root: string }> {
    const root = await mkdtemp(path.join(tmpdir(), `recpipe-sftp-${name}-`));
    return {
      root,
      env: {
        DATA_DIR: path.join(root, 'data'),
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: running.url,
        INBOX_STABLE_MS: '0',
        SFTP_HOST: sshd.host,
        SFTP_PORT: String(sshd.port),
        SFTP_USERNAME: sshd.username,
        SFTP_PRIVATE_KEY_PATH: sshd.privateKeyPath,
        SFTP_HOST_KEY_SHA256: sshd.hostKeySha256,
        SFTP_REMOTE_DIR: `${sshd.root}/${name}`,
        SFTP_MIN_FILE_AGE_MS: '0',
        SFTP_SETTLE_MS: '200',
        RETRY_BASE_DELAY_MS: '100',
        RETRY_MAX_DELAY_MS: '500',
        ...extra,
      },
    };
  }

  it('transcribes a Five9 tree once; a second run --once downloads nothing', async () => {
    const shas = new Map<string, string>();
    const layout = [
      'Renewals/11_26_2026/5551230001Renewals by amy@example.com @ 9_01_02 AM.wav',
      'Renewals/11_27_2026/5551230002Renewals by amy@example.com @ 10_11_12 AM.wav',
      'Renewals/11_27_2026/300000001234560-300000007654321-5551230003 by  @ 10_20_00 AM_CallStudio.wav',
      'Inbound Sales/11_27_2026/5551230004Inbound Sales by bo@example.com @ 1_02_03 PM.wav',
      'Inbound Sales/11_28_2026/5551230005Inbound Sales by bo@example.com @ 12_00_59 PM.wav',
      'Collections/11_28_2026/Anonymous by cy @ 4_44_44 PM.wav',
    ];
    for (const [i, rel] of layout.entries()) shas.set(rel, await putRecording(`tree/${rel}`, 300 + i));
    await sshd.put('tree/Renewals/11_27_2026/.5551230009 upload.wav', 'x', { mtimeMs: HOUR_AGO });
    await sshd.put('tree/Renewals/11_27_2026/5551230010 in progress.wav.part', 'partial', { mtimeMs: HOUR_AGO });
    const { env, root } = await environment('tree', { FIVE9_TIMEZONE: 'America/New_York' });

    const sessionsBefore = await sessionsServed(sshd);
    const first = await runRecpipe(['run', '--once'], env, root);
    expect(first.stdout).toMatch(/summary: 6 done, 0 failed/);
    expect(first.code).toBe(0);
    for (const [rel, sha] of shas) {
      const doc = JSON.parse(await readFile(path.join(env.DATA_DIR!, 'transcripts', `${sha.slice(0, 16)}.json`), 'utf8')) as TranscriptDocument;
      expect(doc).toMatchObject({ source: 'sftp', sourcePath: `${sshd.root}/tree/${rel}`, fileName: path.basename(rel) });
      expect(doc.call.callTime).toBeDefined();
    }
    // two listings (SFTP_SETTLE_MS apart) and one connection per download
    expect((await sessionsServed(sshd)) - sessionsBefore).toBe(2 + 6);
    // leave (the default): every file is still on the server
    for (const rel of layout) expect(existsSync(path.join(sshd.root, 'tree', rel))).toBe(true);

    const second = await runRecpipe(['run', '--once'], env, root);
    expect(second.stdout).toMatch(/summary: 0 done, 0 failed/);
    // the listings only: known files (ledger: path + size + mtime) are never downloaded again
    expect((await sessionsServed(sshd)) - sessionsBefore).toBe(2 + 6 + 2);
  });

  it('refuses a server whose host key is not the pinned one: nothing downloaded, exit non-zero, both fingerprints shown', async () => {
    await putRecording('pinned/a.wav', 400);
    const wrong = 'SHA256:' + Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '');
    const { env, root } = await environment('pinned', { SFTP_HOST_KEY_SHA256: wrong });
    const before = await sessionsServed(sshd);
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(wrong);
    expect(run.stdout).toContain(sshd.hostKeySha256);
    expect(await sessionsServed(sshd)).toBe(before);
    const doctor = await runRecpipe(['doctor'], env, root);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
  });

  it('logs in with a password as well as with a key', async () => {
    const sha = await putRecording('password/b.wav', 401);
    const { env, root } = await environment('password', { SFTP_PRIVATE_KEY_PATH: '', SFTP_PASSWORD: 'five9-Pa55' });
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    expect(existsSync(path.join(env.DATA_DIR!, 'transcripts', `${sha.slice(0, 16)}.json`))).toBe(true);
  });

  it('move keeps the relative path under the archive folder; delete removes; a failed recording stays in place', async () => {
    await putRecording('move/Sales/11_27_2026/good.wav', 402);
    await sshd.put('move/Sales/11_27_2026/bad.wav', 'definitely not audio', { mtimeMs: HOUR_AGO });
    const moving = await environment('move', { SFTP_AFTER_SUCCESS: 'move', SFTP_ARCHIVE_DIR: `${sshd.root}/archive` });
    const run = await runRecpipe(['run', '--once'], moving.env, moving.root);
    expect(run.stdout).toMatch(/summary: 1 done, 1 failed/);
    expect(existsSync(path.join(sshd.root, 'archive', 'Sales', '11_27_2026', 'good.wav'))).toBe(true);
    expect(existsSync(path.join(sshd.root, 'move', 'Sales', '11_27_2026', 'good.wav'))).toBe(false);
    expect(existsSync(path.join(sshd.root, 'move', 'Sales', '11_27_2026', 'bad.wav'))).toBe(true);
    expect(existsSync(path.join(moving.env.DATA_DIR!, 'failed', 'bad.wav.error.json'))).toBe(true);

    await putRecording('delete/c.wav', 403);
    const deleting = await environment('delete', { SFTP_AFTER_SUCCESS: 'delete' });
    expect((await runRecpipe(['run', '--once'], deleting.env, deleting.root)).stdout).toMatch(/summary: 1 done, 0 failed/);
    expect(existsSync(path.join(sshd.root, 'delete', 'c.wav'))).toBe(false);
    expect((await listFiles(path.join(deleting.env.DATA_DIR!, 'processed'))).map((f) => path.basename(f))).toEqual(['c.wav']);
  });

  it('the same audio by SFTP and through the inbox is processed once', async () => {
    const sha = await putRecording('both/call.wav', 404);
    const { env, root } = await environment('both');
    await mkdir(path.join(env.DATA_DIR!, 'inbox'), { recursive: true });
    await copyFile(path.join(sshd.root, 'both', 'call.wav'), path.join(env.DATA_DIR!, 'inbox', 'same call.wav'));
    const deliveredBefore = openai.stats.requests.filter((r) => r.delivered).length;
    const run = await runRecpipe(['run', '--once'], { ...env, CONCURRENCY: '1' }, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed, 1 duplicate/);
    expect(openai.stats.requests.filter((r) => r.delivered).length - deliveredBefore).toBe(1);
    expect(await readdir(path.join(env.DATA_DIR!, 'transcripts'))).toEqual([`${sha.slice(0, 16)}.json`, `${sha.slice(0, 16)}.md`]);
  });

  it('a file still being uploaded is not taken until it stops growing', async () => {
    const { env, root } = await environment('growing', {
      SFTP_POLL_INTERVAL_MS: '1000',
      SFTP_MIN_FILE_AGE_MS: '1500',
      HTTP_PORT: String(await freePort()),
    });
    const local = path.join(staging, 'growing.wav');
    await writeTestAudio(local, { seconds: 8, seed: 405, codec: 'pcm_s16le' });
    const bytes = await readFile(local);
    const service = await RecpipeService.start(env, root);
    try {
      // an upload growing every 400 ms for 4 s: polls (every 1 s) see a new size and a fresh mtime
      const steps = 10;
      const step = Math.ceil(bytes.length / steps);
      for (let i = 1; i <= steps; i++) {
        await sshd.put('growing/upload.wav', bytes.subarray(0, i * step));
        await new Promise((r) => setTimeout(r, 400));
        if (i < steps) expect(await listFiles(path.join(env.DATA_DIR!, 'transcripts'))).toEqual([]);
      }
      const id = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      await waitFor('the transcript of the whole upload', () => existsSync(path.join(env.DATA_DIR!, 'transcripts', `${id}.json`)), 30_000);
      expect((await listFiles(path.join(env.DATA_DIR!, 'transcripts'))).length).toBe(2);
      expect(await listFiles(path.join(env.DATA_DIR!, 'failed'))).toEqual([]);
    } finally {
      expect((await service.stop()).code).toBe(0);
    }
  });

  it('the server dies mid-download: the temp file is removed, the recording completes after the restart, once', async () => {
    const sha = await putRecording('crash/long call.wav', 406, { seconds: 1800, codec: 'pcm_s16le' });
    const size = (await stat(path.join(sshd.root, 'crash', 'long call.wav'))).size;
    expect(size).toBeGreaterThan(28_000_000);
    const { env, root } = await environment('crash', {
      HTTP_PORT: String(await freePort()),
      SFTP_POLL_INTERVAL_MS: '1000',
      MAX_ATTEMPTS: '30',
      RETRY_MAX_DELAY_MS: '1000',
    });
    const downloads = path.join(env.DATA_DIR!, 'work', 'downloads');
    const service = await RecpipeService.start(env, root);
    try {
      await waitFor('a partial download', async () => (await listFiles(downloads)).some((f) => f.endsWith('.part')), 30_000, 5);
      await sshd.kill();
      await waitFor('the temp file removed', async () => !(await listFiles(downloads)).some((f) => f.endsWith('.part')), 30_000);
      const sftpState = async () => {
        const response = await fetch(`${service.baseUrl}/ready`);
        const body = (await response.json()) as { components: Array<{ name: string; ok: boolean; detail: string }> };
        return { status: response.status, sftp: body.components.find((c) => c.name === 'sftp')! };
      };
      const down = await waitFor('/ready to report the SFTP source down', async () => {
        const state = await sftpState();
        return state.status === 503 && !state.sftp.ok ? state : undefined;
      }, 30_000, 500);
      expect(down.sftp.detail).toMatch(/last poll failed/);
      await sshd.restart();
      const id = sha.slice(0, 16);
      await waitFor('the transcript after the restart', () => existsSync(path.join(env.DATA_DIR!, 'transcripts', `${id}.json`)), 90_000);
      const doc = JSON.parse(await readFile(path.join(env.DATA_DIR!, 'transcripts', `${id}.json`), 'utf8')) as TranscriptDocument;
      const sent = doc.text.match(/of audio ([0-9a-f]{8})/)![1]!;
      expect(openai.stats.requests.filter((r) => r.delivered && r.audioSha256?.startsWith(sent))).toHaveLength(1);
      // archived right after publishing
      await waitFor('the archived original', async () => (await listFiles(path.join(env.DATA_DIR!, 'processed'))).length === 1, 10_000);
      const up = await waitFor('/ready to report the SFTP source up again', async () => {
        const state = await sftpState();
        return state.status === 200 ? state : undefined;
      }, 30_000, 500);
      expect(up.sftp.detail).toMatch(/last poll ok/);
    } finally {
      expect((await service.stop()).code).toBe(0);
    }
  });
});
