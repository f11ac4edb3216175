import { describe, expect, it } from 'vitest';
import { parseSilences } from '../../src/audio/read-silences.ts';
import { SpeechMap } from '../../src/audio/speech-map.ts';

describe('SpeechMap', () => {
  const silences = [
    { start: 0, end: 60 },
    { start: 63, end: 64 },
    { start: 66, end: 120 },
    { start: 123, end: 130 },
  ];
  const map = SpeechMap.fromSilences(silences, 130, { minSilenceSeconds: 2, paddingSeconds: 0.3 });

  it('cuts only long silences, keeping padding next to speech and none at the ends', () => {
    expect(map.pieces).toEqual([
      { start: 59.7, end: 66.3, at: 0 },
      { start: 119.7, end: 123.3, at: 6.6 },
    ]);
    expect(map.durationSeconds).toBeCloseTo(10.2, 6);
    expect(map.removedSeconds).toBeCloseTo(119.8, 6);
    expect(map.isWhole).toBe(false);
    expect(map.junctions()).toEqual([6.6]);
  });

  it('maps condensed times back; at a cut a start goes forward and an end stays behind', () => {
    expect(map.toOriginal(0)).toBeCloseTo(59.7, 6);
    expect(map.toOriginal(3)).toBeCloseTo(62.7, 6);
    expect(map.toOriginal(6.6, 'start')).toBeCloseTo(119.7, 6);
    expect(map.toOriginal(6.6, 'end')).toBeCloseTo(66.3, 6);
    expect(map.toOriginal(10.2, 'end')).toBeCloseTo(123.3, 6);
    expect(map.toCondensed(61)).toBeCloseTo(1.3, 6);
    expect(map.toCondensed(90)).toBeCloseTo(6.6, 6);
  });

  it('lists the original stretches of a condensed range', () => {
    expect(map.originalSpans(5, 8)).toEqual([
      { start: 64.7, end: 66.3 },
      { start: 119.7, end: 121.1 },
    ]);
  });

  it('is whole when nothing is long enough to cut, and empty for a silent track', () => {
    expect(SpeechMap.fromSilences([{ start: 3, end: 4 }], 10, { minSilenceSeconds: 2 }).isWhole).toBe(true);
    expect(SpeechMap.fromSilences([{ start: 0, end: 10 }], 10, { minSilenceSeconds: 2 }).pieces).toEqual([]);
  });
});

describe('parseSilences', () => {
  it('reads silencedetect log lines and ametadata print files, closing an open silence at the end', () => {
    const log = '[silencedetect @ 0x1] silence_start: 1.5\n[silencedetect @ 0x1] silence_end: 4.25 | silence_duration: 2.75\n[silencedetect @ 0x1] silence_start: 9\n';
    const printed = 'frame:17   pts:17408   pts_time:2.176\nlavfi.silence_start=1.5\nframe:31 pts:31744 pts_time:3.968\nlavfi.silence_end=4.25\nlavfi.silence_duration=2.75\nlavfi.silence_start=9\n';
    const expected = [
      { start: 1.5, end: 4.25 },
      { start: 9, end: 10 },
    ];
    expect(parseSilences(log, 10)).toEqual(expected);
    expect(parseSilences(printed, 10)).toEqual(expected);
  });
});
