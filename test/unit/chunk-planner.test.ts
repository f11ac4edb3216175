import { describe, expect, it } from 'vitest';
import { planChunks } from '../../src/audio/chunk-planner.ts';
import { requestLimitsFor } from '../../src/transcribe/request-limits.ts';
import { planTrack } from '../../src/transcribe/track-plan.ts';

const lengths = (chunks: { start: number; end: number }[]) => chunks.map((c) => c.end - c.start);

describe('planChunks', () => {
  it('sends audio that fits as one request', () => {
    expect(planChunks(120, [], { maxSeconds: 1395 })).toEqual([{ start: 0, end: 120 }]);
  });

  it('splits into near-equal requests under the cap, overlapping 2.5 s around each cut', () => {
    const chunks = planChunks(1800, [], { maxSeconds: 1395 });
    expect(chunks).toHaveLength(2);
    expect(Math.max(...lengths(chunks))).toBeLessThanOrEqual(1395);
    expect(chunks[0]).toEqual({ start: 0, end: 901.25 });
    expect(chunks[1]).toEqual({ start: 898.75, end: 1800 });
  });

  it('cuts in the longest pause within reach of the ideal cut, never mid-word when one exists', () => {
    const pauses = [
      { start: 880, end: 880.4 },
      { start: 905, end: 906.2 },
      { start: 990, end: 995 },
    ];
    const [first, second] = planChunks(1800, pauses, { maxSeconds: 1395 });
    // 905.6 is the middle of the longest pause within 10 s of 900; 992.5 is too far
    expect(first?.end).toBeCloseTo(905.6 + 1.25, 6);
    expect(second?.start).toBeCloseTo(905.6 - 1.25, 6);
  });

  it('never plans a request past the cap, even when the pause is later', () => {
    const chunks = planChunks(5000, [{ start: 1398, end: 1399 }], { maxSeconds: 1400 });
    expect(chunks.length).toBe(4);
    for (const length of lengths(chunks)) expect(length).toBeLessThanOrEqual(1400);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1]!.end - chunks[i]!.start).toBeCloseTo(2.5, 6);
    expect(chunks.at(-1)?.end).toBe(5000);
  });
});

describe('planTrack', () => {
  const settings = { silenceCut: true, silenceMinSeconds: 2, limits: requestLimitsFor('whisper-1') };

  it('sends a short call with no long silence as the track itself', () => {
    const plan = planTrack({ durationSeconds: 120, bytes: 2_000_000, sampleRate: 8000 }, [{ start: 10, end: 11 }], settings);
    expect(plan).toEqual({ speech: [{ start: 0, end: 120 }], chunks: [{ start: 0, end: 120 }], whole: true });
  });

  it('plans nothing for a track that is all silence', () => {
    expect(planTrack({ durationSeconds: 60, bytes: 1000, sampleRate: 8000 }, [{ start: 0, end: 60 }], settings).chunks).toEqual([]);
  });

  it('splits by bytes for whisper-1 and by duration for gpt-4o models', () => {
    const big = { durationSeconds: 2700, bytes: 40_000_000, sampleRate: 8000 };
    expect(planTrack(big, [], settings).chunks).toHaveLength(2);
    const long = { durationSeconds: 1800, bytes: 10_000_000, sampleRate: 8000 };
    expect(planTrack(long, [], settings).chunks).toHaveLength(1);
    const gpt = planTrack(long, [], { ...settings, limits: requestLimitsFor('gpt-4o-transcribe') });
    expect(gpt.chunks).toHaveLength(2);
    expect(Math.max(...lengths(gpt.chunks))).toBeLessThanOrEqual(1400);
    expect(requestLimitsFor('gpt-4o-mini-transcribe', { maxSeconds: 600 })).toEqual({ maxBytes: 25_165_824, maxSeconds: 600 });
  });
});
