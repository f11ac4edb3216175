import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { createSlackEmulator } from '../../src/emulators/slack-emulator.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { cardUtterance } from '../helpers/card-utterances.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { digitSequences } from '../helpers/spoken-digits.ts';
import { writeCallAudio, type CallAudioOptions } from '../helpers/test-audio.ts';
import { serviceOnInbox } from '../helpers/in-process-service.ts';

/**
 * Known turns (seconds): agent 1–6, caller 6.5–10, the agent cuts in at 9–12 (1 s of cross-talk),
 * a 13 s hold, caller 25–30, agent 30–38; 40 s in all.
 */
const STEREO: CallAudioOptions = {
  seconds: 40,
  channels: 2,
  turns: [
    { start: 1, end: 6, channel: 0 },
    { start: 6.5, end: 10, channel: 1 },
    { start: 9, end: 12, channel: 0 },
    { start: 25, end: 30, channel: 1 },
    { start: 30, end: 38, channel: 0 },
  ],
};
const AGENT_SAYS = [
  'Thank you for calling Acme, this call may be recorded.',
  'Let me check that for you.',
  'Sorry for the wait. I will escalate this to my supervisor and someone will call you back tomorrow.',
];
const CALLER_SAYS = ['Hi, my order is late and I am upset.', 'Fine, but this is still unacceptable.'];
const INSIGHTS_ENV = {
  INSIGHTS_MODEL: 'gpt-4o-mini',
  INSIGHTS_REASONS: 'billing,order status,technical support',
  INSIGHTS_REQUIRED_PHRASES: 'this call may be recorded;is there anything else I can help you with',
};

describe('talk metrics and insights through the whole pipeline (real ffmpeg, the OpenAI emulator via the SDK)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-insights-'));
  });
  afterAll(async () => running.close());
  afterEach(() => emulator.faults.reset());

  async function run(dataDir: string, env: Record<string, string>) {
    const service = await serviceOnInbox(dataDir, running.url, env);
    const outcomes: Outcome[] = [];
    try {
      const { tally } = await service.runOnce((outcome) => outcomes.push(outcome));
      return { outcomes, summary: tally.summary('run'), metrics: await service.metrics.registry.metrics() };
    } finally {
      await service.close();
    }
  }

  async function transcribe(name: string, audio: CallAudioOptions, scripts: string[][], env: Record<string, string>) {
    const dataDir = await mkdtemp(path.join(root, 'data-'));
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await writeCallAudio(path.join(dataDir, 'inbox', `${name}.wav`), audio);
    for (const script of scripts) emulator.say(...script);
    const chatBefore = chatRequests().length;
    const result = await run(dataDir, env);
    const [outcome] = result.outcomes;
    if (outcome?.kind !== 'done') throw new Error(`not transcribed: ${JSON.stringify(outcome)}`);
    const dir = path.join(dataDir, 'transcripts');
    const json = (await readdir(dir)).find((f) => f.endsWith('.json'))!;
    const doc = JSON.parse(await readFile(path.join(dir, json), 'utf8')) as TranscriptDocument;
    const markdown = await readFile(path.join(dir, json.replace(/\.json$/, '.md')), 'utf8');
    return { ...result, doc, markdown, dataDir, chat: chatRequests().slice(chatBefore) };
  }

  const chatRequests = () => emulator.stats.requests.filter((r) => r.path.endsWith('/chat/completions'));

  it('a stereo call: each side’s talk, silence, cross-talk, the hold and the interruption within 0.2 s; insights in JSON and Markdown', async () => {
    const { doc, markdown, chat, summary, metrics } = await transcribe('stereo', STEREO, [AGENT_SAYS, CALLER_SAYS], { AGENT_CHANNEL: 'left', ...INSIGHTS_ENV });
    const talk = doc.talk!;
    console.log(`talk metrics measured (expected agent 16, caller 8.5, overlap 1, speech 23.5, silence 16.5, monologue 8): ${JSON.stringify(talk)}`);
    expect(talk.kind).toBe('stereo');
    const near = (actual: number | undefined, expected: number) => expect(Math.abs((actual ?? Number.NaN) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(0.2);
    near(talk.agentSeconds, 16);
    near(talk.callerSeconds, 8.5);
    near(talk.overlapSeconds, 1);
    // 1–6, 6.5–12, 25–38 are speech; 0–1, the 0.5 s between turns, the hold and 38–40 are not
    near(talk.speechSeconds, 23.5);
    near(talk.silenceSeconds, 16.5);
    near(talk.longestAgentMonologueSeconds, 8);
    expect(talk.holds).toHaveLength(1);
    near(talk.holds[0]?.start ?? Number.NaN, 12);
    near(talk.holds[0]?.end ?? Number.NaN, 25);
    expect([talk.agentInterruptions, talk.callerInterruptions]).toEqual([1, 0]);

    expect(chat).toHaveLength(1);
    expect(doc.insights).toMatchObject({
      reason: 'order status',
      outcome: 'escalated',
      sentiment: { start: 'negative', end: 'negative' },
      actionItems: ['I will escalate this to my supervisor and someone will call you back tomorrow.'],
      compliance: [
        { phrase: 'this call may be recorded', said: true, quote: 'Thank you for calling Acme, this call may be recorded.' },
        { phrase: 'is there anything else I can help you with', said: false, quote: null },
      ],
      model: 'gpt-4o-mini',
    });
    expect(doc.insights?.usage?.promptTokens).toBeGreaterThan(100);
    expect(doc.insightsError).toBeUndefined();
    // only the transcript lines went out: no file name, no caller number
    expect(chat[0]?.prompt).toContain('Agent: Thank you for calling Acme');
    expect(chat[0]?.prompt).not.toContain('stereo.wav');

    expect(markdown).toMatch(/- \*\*Talk:\*\* agent 1\d\.\d s · caller \d\.\d s · silence 1\d\.\d s · cross-talk \d\.\d s · .*holds 00:1[12]–00:2[45]/);
    expect(markdown).toContain('## Insights');
    expect(markdown).toContain('- **Outcome:** escalated');
    expect(markdown).toContain('✅ this call may be recorded');
    expect(summary.insights).toMatchObject({ calls: 1 });
    expect(summary.insights?.costPerCallUsd).toBeGreaterThan(0);
    expect(metrics).toMatch(/^insights_tokens_total\{kind="prompt"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^insights_duration_seconds_count 1$/m);
  });

  it('a mono call: speech and silence only, and no chat request without INSIGHTS_MODEL', async () => {
    const mono: CallAudioOptions = { seconds: 30, turns: [{ start: 1, end: 5 }, { start: 18, end: 24 }] };
    const { doc, chat } = await transcribe('mono', mono, [['Hello.', 'Goodbye.']], {});
    expect(chat).toHaveLength(0);
    expect(doc.insights).toBeUndefined();
    expect(doc.talk).toMatchObject({ kind: 'mono', holds: [{ start: expect.closeTo(5, 0), end: expect.closeTo(18, 0) }] });
    expect(Math.abs(doc.talk!.speechSeconds - 10)).toBeLessThanOrEqual(0.5);
    expect(doc.talk!.agentSeconds).toBeUndefined();
  });

  it('answers that break the schema are retried, then the transcript is published without insights and the reason kept; never asked again', async () => {
    emulator.faults.badAnswer('schema', 3);
    const env = { ...INSIGHTS_ENV, AGENT_CHANNEL: 'left' };
    const first = await transcribe('broken', { ...STEREO, seed: 5 }, [AGENT_SAYS, CALLER_SAYS], env);
    expect(first.chat).toHaveLength(3);
    expect(first.doc.insights).toBeUndefined();
    expect(first.doc.insightsError).toMatch(/insights failed after 3 attempts: the model's answer broke the schema/);
    expect(first.markdown).toContain('_No insights: insights failed after 3 attempts');
    expect(first.doc.talk?.kind).toBe('stereo');

    // the same audio dropped again is a duplicate: nothing is asked twice
    const before = chatRequests().length;
    await writeCallAudio(path.join(first.dataDir, 'inbox', 'again.wav'), { ...STEREO, seed: 5 });
    const again = await run(first.dataDir, env);
    expect(again.outcomes.map((o) => o.kind)).toEqual(['duplicate']);
    expect(chatRequests().length).toBe(before);
  });

  it('one transient 503 is retried inside the stage and the insights arrive', async () => {
    emulator.faults.enqueue({ status: 503, retryAfter: '0', path: '/chat/completions' });
    const { doc, chat } = await transcribe('flaky', { ...STEREO, seed: 6 }, [AGENT_SAYS, CALLER_SAYS], { ...INSIGHTS_ENV, AGENT_CHANNEL: 'left' });
    expect(chat.map((r) => r.status)).toEqual([503, 200]);
    expect(doc.insights?.outcome).toBe('escalated');
  });

  it('SLACK_ALERT_ON=escalated,negative: one alert for a flagged call, without what was said and without numbers', async () => {
    const slack = createSlackEmulator({ token: 'xoxb-test', channels: ['call-alerts'] });
    const slackServer = await slack.start();
    try {
      const env = { ...INSIGHTS_ENV, AGENT_CHANNEL: 'left', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL: 'call-alerts', SLACK_API_URL: slackServer.apiUrl, SLACK_ALERT_ON: 'escalated,negative' };
      const { doc } = await transcribe('5551234567 by jdoe @ 3_24_43 PM', { ...STEREO, seed: 9 }, [AGENT_SAYS, CALLER_SAYS], env);
      expect(doc.insights?.outcome).toBe('escalated');
      const alerts = slack.messages().filter((m) => (m.text ?? '').includes('Call flagged'));
      expect(alerts).toHaveLength(1);
      const whole = JSON.stringify({ text: alerts[0]?.text, blocks: alerts[0]?.blocks });
      expect(whole).toContain('escalated, negative');
      expect(whole).toContain(doc.id);
      // no transcript words, no caller number, no other number but the hex id
      for (const words of ['supervisor', 'order is late', 'unacceptable', 'Acme']) expect(whole).not.toContain(words);
      expect(whole.replace(doc.id, '')).not.toMatch(/\d{3,}/);
    } finally {
      await slackServer.close();
    }
  });

  it('the PCI corpus: the prompt the model receives holds no card digit, as digits or as words', async () => {
    const random = seededRandom(20261130);
    const cards = Array.from({ length: 12 }, (_, index) => cardUtterance(random, index));
    const utterances = cards.flatMap((card) => card.segments.map((segment) => segment.text));
    const { doc, chat } = await transcribe('cards', { seconds: 60, turns: [{ start: 0.5, end: 59.5 }] }, [utterances], { ...INSIGHTS_ENV, REDACT: 'pci' });
    expect(doc.redactions['card number']).toBeGreaterThan(0);
    expect(chat).toHaveLength(1);
    const transcriptPart = (chat[0]?.prompt ?? '').split('Transcript:\n')[1] ?? '';
    expect(transcriptPart.length).toBeGreaterThan(200);
    expect(digitSequences(transcriptPart)).toEqual([]);
    for (const { card } of cards) expect(transcriptPart.replace(/\D/g, '')).not.toContain(card.slice(-8));
  });
});
