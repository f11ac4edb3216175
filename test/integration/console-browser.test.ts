import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { freePort } from '../helpers/free-port.ts';
import { requireTools } from '../helpers/require-tools.ts';
import { writeCallAudio, writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The console in a real headless Chromium (Debian's, through playwright-core) against a real
// Service in this process: real ffmpeg, the OpenAI emulator through the SDK, a real SQLite ledger.

const tools = await requireTools('chromium');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

tools.describe('web console in headless Chromium (real service, OpenAI emulator)', () => {
  let emulator: OpenAiEmulator;
  let openai: RunningOpenAiEmulator;
  let root: string;
  let inbox: string;
  let service: Service;
  let running: Promise<unknown>;
  const stop = new AbortController();
  let base: string;
  let browser: BrowserContext;
  let page: Page;

  const counts = async () => (await service.ledger.status()).counts;

  /** Drops a recording into the inbox the way an operator's copy should: written aside, then renamed in. */
  async function drop(relative: string, write: (file: string) => Promise<unknown>): Promise<void> {
    const staged = path.join(root, 'staging', path.basename(relative));
    await write(staged);
    await mkdir(path.dirname(path.join(inbox, relative)), { recursive: true });
    await rename(staged, path.join(inbox, relative));
  }

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    openai = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-console-browser-'));
    const dataDir = path.join(root, 'data');
    inbox = path.join(dataDir, 'inbox');
    await mkdir(path.join(root, 'staging'), { recursive: true });
    const port = await freePort();
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.url,
        HTTP_PORT: String(port),
        INBOX_STABLE_MS: '300',
        INBOX_RESCAN_INTERVAL_MS: '60000',
        CONCURRENCY: '1',
        AGENT_CHANNEL: 'left',
        LOG_LEVEL: 'warn',
      },
      { serves: true },
    );
    service = await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
    running = service.start(stop.signal);
    base = `http://127.0.0.1:${port}`;
    await waitFor('the HTTP server', async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok === true, 20_000);

    // a stereo two-party call: the agent on the left (request 1), the caller on the right (request 2)
    emulator.say('Thanks for calling Acme, how can I help?', 'I have processed the refund for you.');
    emulator.say('My card number is 4111 1111 1111 1111.', 'Thank you, goodbye.');
    await drop('Sales/11_2_2026/5551234567 Sales by alice@example.com @ 3_04_00 PM.wav', (file) =>
      writeCallAudio(file, {
        seconds: 21,
        channels: 2,
        turns: [
          { start: 3, end: 6, channel: 0 },
          { start: 7, end: 10, channel: 1 },
          { start: 11, end: 14, channel: 0 },
          { start: 15, end: 18, channel: 1 },
        ],
      }),
    );
    await waitFor('the stereo call done', async () => (await counts()).done === 1, 60_000);

    emulator.say('Your subscription renewal is due next month.');
    await drop('Renewals/11_3_2026/5559876543 Renewals by bob@example.com @ 9_15_00 AM.wav', (file) => writeTestAudio(file, { seconds: 4, seed: 7 }));
    await waitFor('the mono call done', async () => (await counts()).done === 2, 60_000);

    // the third one meets a permanent API error (400) and fails
    emulator.faults.enqueue({ status: 400, count: 20 });
    await drop('Sales/11_4_2026/5552223333 Sales by carol@example.com @ 10_30_00 AM.wav', (file) => writeTestAudio(file, { seconds: 3, seed: 11 }));
    await waitFor('the third call failed', async () => (await counts()).failed === 1, 60_000);
    emulator.faults.reset();
    emulator.say('Calling about a damaged parcel delivery.');

    const userDataDir = path.join(root, 'chromium-profile');
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    stop.abort();
    await running?.catch(() => {});
    await service?.close();
    await openai?.close();
    // RECPIPE_KEEP_SCREENSHOTS=1 keeps the temp folder (list.png, recording.png, after-retry.png) to look at
    if (root && !process.env.RECPIPE_KEEP_SCREENSHOTS) await rm(root, { recursive: true, force: true });
  });

  const rows = () => page.locator('tbody tr[data-seq]');
  const fileNames = async () => (await rows().locator('td:nth-child(2)').allInnerTexts()).map((t) => t.trim());

  tools.it('lists the recordings with state, reason and call metadata', async () => {
    await page.goto(`${base}/`);
    expect(await page.title()).toBe('Recordings · recpipe');
    expect(await fileNames()).toEqual([
      '5552223333 Sales by carol@example.com @ 10_30_00 AM.wav',
      '5559876543 Renewals by bob@example.com @ 9_15_00 AM.wav',
      '5551234567 Sales by alice@example.com @ 3_04_00 PM.wav',
    ]);
    const failed = rows().filter({ hasText: 'carol@example.com' });
    expect(await failed.getAttribute('data-state')).toBe('failed');
    expect(await failed.locator('td.reason').innerText()).toMatch(/400/);
    // not published, yet its call metadata shows (from the Five9 file name)
    expect(await failed.locator('td:nth-child(8)').innerText()).toBe('carol@example.com');
    expect(await failed.locator('td:nth-child(9)').innerText()).toBe('Sales');
    const alice = rows().filter({ hasText: 'alice@example.com' });
    expect(await alice.innerText()).toContain('2026-11-02 15:04 UTC');
    expect(await alice.innerText()).toContain('Sales');
    await page.screenshot({ path: path.join(root, 'list.png'), fullPage: true });
  });

  tools.it('filters by state, agent and date, and searches a word of the redacted transcripts', async () => {
    await page.goto(`${base}/`);
    await page.selectOption('select[name=state]', 'failed');
    await page.click('button:text("Apply")');
    expect(page.url()).toContain('state=failed');
    expect(await fileNames()).toEqual(['5552223333 Sales by carol@example.com @ 10_30_00 AM.wav']);

    await page.goto(`${base}/`);
    await page.fill('input[name=agent]', 'bob');
    await page.click('button:text("Apply")');
    expect(await fileNames()).toEqual(['5559876543 Renewals by bob@example.com @ 9_15_00 AM.wav']);

    await page.goto(`${base}/`);
    await page.fill('input[name=from]', '2026-11-02');
    await page.fill('input[name=to]', '2026-11-03');
    await page.click('button:text("Apply")');
    expect((await fileNames()).length).toBe(2);

    await page.goto(`${base}/`);
    await page.fill('input[name=q]', 'refund');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/q=refund/);
    expect(await fileNames()).toEqual(['5551234567 Sales by alice@example.com @ 3_04_00 PM.wav']);
    // the card number was masked before anything was stored: its digits find nothing
    await page.fill('input[name=q]', '4111');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/q=4111/);
    expect(await fileNames()).toEqual([]);
  });

  tools.it('opens a recording: agent and caller turns with times, redacted text, a playable audio element', async () => {
    await page.goto(`${base}/?q=refund`);
    await rows().first().locator('td:nth-child(2) a').click();
    await page.waitForURL(/\/recordings\/\d+$/);
    const turns = await page.locator('table.turns tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
    );
    expect(turns.map(([, speaker]) => speaker)).toEqual(['Agent', 'Caller', 'Agent', 'Caller']);
    expect(turns[0]![2]).toBe('Thanks for calling Acme, how can I help?');
    expect(turns[1]![2]).toContain('[card number]');
    expect(turns[1]![0]).toMatch(/^00:0\d–00:\d\d$/);
    const body = await page.locator('main').innerText();
    expect(body).not.toContain('4111');
    expect(body).toContain('alice@example.com');
    // the audio element loads the archived audio from the console (right type, seekable)
    // (no DOM lib in tsconfig: the element is typed by what the callback uses)
    type AudioElement = { readyState: number; duration: number; load(): void; addEventListener(type: string, listener: () => void): void };
    const duration = await page.locator('audio').evaluate(
      (audio: AudioElement) =>
        new Promise<number>((resolve) => {
          if (audio.readyState >= 1) resolve(audio.duration);
          audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
          audio.addEventListener('error', () => resolve(-1));
          audio.load();
        }),
    );
    expect(duration).toBeGreaterThan(15);
    expect(duration).toBeLessThan(25);
    await page.screenshot({ path: path.join(root, 'recording.png'), fullPage: true });
  });

  tools.it('retries the failed recording from the browser: it goes pending, then done', async () => {
    await page.goto(`${base}/?state=failed`);
    const failedSeq = Number(await rows().first().getAttribute('data-seq'));
    await rows().first().locator('button:text("Retry")').click();
    await page.waitForURL(/notice=retried-1/);
    expect(await page.locator('.notice').innerText()).toContain('1 recording is pending again');
    // the console nudges the pipeline: no need to wait for the 60 s resume tick
    await waitFor('the retried call done', async () => (await service.ledger.get(failedSeq))?.state === 'done', 30_000);
    await page.goto(`${base}/recordings/${failedSeq}`);
    expect(await page.locator('.state').first().innerText()).toBe('done');
    expect(await page.locator('table.turns').innerText()).toContain('damaged parcel delivery');
    await page.goto(`${base}/`);
    expect(await page.locator('button:text("Retry all failed (0)")').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(root, 'after-retry.png'), fullPage: true });
    if (process.env.RECPIPE_KEEP_SCREENSHOTS) console.log(`screenshots in ${root}`);
  });
});
