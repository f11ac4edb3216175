import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { writeCallAudio, type CallAudioOptions } from '../helpers/test-audio.ts';
import { serviceOnInbox } from '../helpers/in-process-service.ts';

/** The agent (left) speaks at 3–6 s and 11–14 s, the caller (right) at 7–10 s and 15–18 s. */
const TWO_PARTY: CallAudioOptions = {
  seconds: 21,
  channels: 2,
  turns: [
    { start: 3, end: 6, channel: 0 },
    { start: 7, end: 10, channel: 1 },
    { start: 11, end: 14, channel: 0 },
    { start: 15, end: 18, channel: 1 },
  ],
};

describe('speakers and silence cutting (real ffmpeg, the OpenAI emulator through the SDK)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-speakers-'));
  });
  afterAll(async () => running.close());

  /** One recording through the whole pipeline; `scripts` are what each request (ch0, then ch1) hears. */
  async function transcribe(name: string, audio: CallAudioOptions, scripts: string[][], env: Record<string, string> = {}) {
    const dataDir = await mkdtemp(path.join(root, 'data-'));
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await writeCallAudio(path.join(dataDir, 'inbox', `${name}.wav`), audio);
    for (const script of scripts) emulator.say(...script);
    const service = await serviceOnInbox(dataDir, running.url, env);
    const outcomes: Outcome[] = [];
    const before = emulator.stats.received;
    try {
      await service.runOnce((outcome) => outcomes.push(outcome));
    } finally {
      await service.close();
    }
    const [outcome] = outcomes;
    if (outcome?.kind !== 'done') throw new Error(`not transcribed: ${JSON.stringify(outcome)}`);
    const dir = path.join(dataDir, 'transcripts');
    const json = (await readdir(dir)).find((f) => f.endsWith('.json'))!;
    const doc = JSON.parse(await readFile(path.join(dir, json), 'utf8')) as TranscriptDocument;
    const markdown = await readFile(path.join(dir, json.replace(/\.json$/, '.md')), 'utf8');
    return { doc, markdown, outcome, requests: emulator.stats.received - before };
  }

  const turns = (doc: TranscriptDocument) => doc.segments.map((s) => [s.text, s.speaker ?? null]);

  it('labels agent and caller turns of a stereo call, in time order, and bills less than one call length', async () => {
    const { doc, markdown, outcome } = await transcribe('two-party', TWO_PARTY, [['Thanks for calling.', 'Anything else?'], ['Hi, my order is late.', 'No, thank you.']], { AGENT_CHANNEL: 'left' });
    expect(turns(doc)).toEqual([
      ['Thanks for calling.', 'agent'],
      ['Hi, my order is late.', 'caller'],
      ['Anything else?', 'agent'],
      ['No, thank you.', 'caller'],
    ]);
    // each turn's start is where it is spoken in the call, not in the condensed upload
    doc.segments.forEach((segment, i) => expect(Math.abs(segment.start - [3, 7, 11, 15][i]!)).toBeLessThan(0.5));
    expect(markdown).toMatch(/\[00:0[67]\] Caller: Hi, my order is late\./);
    // each channel sent only its own 2 × 3.6 s of speech (whisper bills whole seconds)
    expect(outcome.kind === 'done' && outcome.billedSeconds).toBe(16);
  });

  it('with bleed (the other channel at -20 dB) the louder channel wins, and the bleed is not repeated', async () => {
    const heard = ['Thanks for calling.', 'Hi, my order is late.', 'Anything else?', 'No, thank you.'];
    // a model hears the other party's bleed too: each channel's transcript holds all four turns
    const { doc } = await transcribe('bleed', { ...TWO_PARTY, bleedDb: -20, seed: 1 }, [heard, heard], { AGENT_CHANNEL: 'left' });
    expect(turns(doc)).toEqual([
      ['Thanks for calling.', 'agent'],
      ['Hi, my order is late.', 'caller'],
      ['Anything else?', 'agent'],
      ['No, thank you.', 'caller'],
    ]);
  });

  it('leaves turns unlabelled when neither channel dominates (the same speech on both), each once', async () => {
    const same: CallAudioOptions = { seconds: 12, channels: 2, bleedDb: 0, turns: [{ start: 2, end: 5 }, { start: 7, end: 10 }] };
    const { doc } = await transcribe('equal', same, [['Hello there.', 'How can I help?'], ['Hello there.', 'How can I help?']], { AGENT_CHANNEL: 'right' });
    expect(turns(doc)).toEqual([
      ['Hello there.', null],
      ['How can I help?', null],
    ]);
  });

  it('leaves a mono call unlabelled even with AGENT_CHANNEL set', async () => {
    const mono: CallAudioOptions = { seconds: 10, turns: [{ start: 1, end: 4 }, { start: 5, end: 8 }] };
    const { doc, requests } = await transcribe('mono', mono, [['Hello.', 'Hi there.']], { AGENT_CHANNEL: 'left' });
    expect(requests).toBe(1);
    expect(turns(doc)).toEqual([
      ['Hello.', null],
      ['Hi there.', null],
    ]);
  });

  it('keeps the diarizing model\'s own labels on a mono call', async () => {
    const mono: CallAudioOptions = { seconds: 10, turns: [{ start: 1, end: 4 }, { start: 5, end: 8 }], seed: 3 };
    const { doc, markdown } = await transcribe('diarized', mono, [['Hello.', 'Hi there.']], { TRANSCRIBE_MODEL: 'gpt-4o-transcribe-diarize' });
    expect(doc.segments.map((s) => [s.text, s.speakerLabel, s.speaker])).toEqual([
      ['Hello.', 'A', undefined],
      ['Hi there.', 'B', undefined],
    ]);
    expect(markdown).toMatch(/\] Speaker A: Hello\.\n/);
  });

  it('maps times back across cut silences: speech after a minute of silence starts at its own time', async () => {
    const sparse: CallAudioOptions = { seconds: 130, turns: [{ start: 60, end: 63 }, { start: 120, end: 123 }], seed: 4 };
    const cut = await transcribe('sparse', sparse, [['First words.', 'Second words.']]);
    expect(cut.doc.segments.map((s) => s.text)).toEqual(['First words.', 'Second words.']);
    const [first, second] = cut.doc.segments;
    expect(first!.start).toBeGreaterThan(59.5);
    expect(first!.start).toBeLessThan(60.1);
    expect(first!.end).toBeLessThanOrEqual(second!.start);
    expect(second!.start).toBeGreaterThan(119.5);
    expect(second!.start).toBeLessThan(120.1);
    expect(cut.doc.audio.durationSeconds).toBe(130);
    // 2 × 3.6 s sent instead of 130 s
    expect(cut.outcome.kind === 'done' && cut.outcome.billedSeconds).toBeLessThanOrEqual(8);

    const whole = await transcribe('sparse-uncut', { ...sparse, seed: 5 }, [['First words.', 'Second words.']], { SILENCE_CUT: 'false' });
    expect(whole.outcome.kind === 'done' && whole.outcome.billedSeconds).toBe(130);
  });
});
