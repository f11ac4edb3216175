import { describe, expect, it } from 'vitest';
import { ChannelLevels } from '../../src/audio/channel-levels.ts';
import { transcriptLine } from '../../src/publish/transcript-markdown.ts';
import type { Segment } from '../../src/recording.ts';
import { mergeTracks } from '../../src/transcribe/merge-tracks.ts';
import { attributeSpeakers } from '../../src/transcribe/speaker-attribution.ts';

/** 100 ms windows over `seconds`: `loud` stretches at -15 dBFS, the rest at `quiet`. */
function levels(seconds: number, loud: Array<[number, number]>, quiet = -90, loudDb = -15): ChannelLevels {
  const db = new Float32Array(seconds * 10).fill(quiet);
  for (const [from, to] of loud) db.fill(loudDb, from * 10, to * 10);
  return new ChannelLevels(0.1, db);
}

const seg = (start: number, end: number, text: string): Segment => ({ start, end, text });

describe('attributeSpeakers', () => {
  it('labels each turn by the louder channel', () => {
    const left = levels(20, [[1, 4], [9, 12]]);
    const right = levels(20, [[5, 8], [13, 16]]);
    const out = attributeSpeakers([[seg(1, 4, 'hello'), seg(9, 12, 'sure')], [seg(5, 8, 'hi'), seg(13, 16, 'bye')]], [left, right], 0);
    expect(out.map((s) => [s.text, s.speaker])).toEqual([['hello', 'agent'], ['hi', 'caller'], ['sure', 'agent'], ['bye', 'caller']]);
  });

  it('drops a turn that is only bleed of the other channel, which has the same speech louder', () => {
    // the caller's channel hears the agent at -20 dB (-35 dBFS) and its transcript has those words too
    const left = levels(10, [[1, 4]], -90);
    const right = new ChannelLevels(0.1, Float32Array.from({ length: 100 }, (_, i) => (i >= 10 && i < 40 ? -35 : i >= 50 && i < 80 ? -15 : -90)));
    const out = attributeSpeakers([[seg(1, 4, 'hello there')], [seg(1.2, 3.9, 'hello there'), seg(5, 8, 'my order')]], [left, right], 0);
    expect(out.map((s) => [s.text, s.speaker])).toEqual([['hello there', 'agent'], ['my order', 'caller']]);
  });

  it('leaves a turn unlabelled when neither channel dominates, and keeps identical twins once', () => {
    const both = levels(10, [[1, 4]]);
    const out = attributeSpeakers([[seg(1, 4, 'Hello, there.')], [seg(1, 4, 'hello there')]], [both, levels(10, [[1, 4]], -90, -18)], 1);
    expect(out).toEqual([seg(1, 4, 'Hello, there.')]);
  });
});

describe('mergeTracks and transcript lines', () => {
  const result = (segments: Segment[]) => ({ model: 'm', text: '', segments, billedSeconds: 3 });

  it('keeps a mono call unlabelled, and a diarizing model\'s labels as Speaker A', () => {
    const merged = mergeTracks([{ channel: 0, result: result([seg(0, 2, 'hi'), { ...seg(2, 4, 'hello'), speakerLabel: 'B' }]) }], 'left');
    expect(merged.segments.map((s) => s.speaker)).toEqual([undefined, undefined]);
    expect(merged.segments.map(transcriptLine)).toEqual(['[00:00] hi', '[00:02] Speaker B: hello']);
    expect(transcriptLine({ ...seg(65, 66, 'yes'), speaker: 'caller', speakerLabel: 'A' })).toBe('[01:05] Caller: yes');
  });
});
