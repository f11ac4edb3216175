import type { Segment, Speaker } from '../recording.ts';
import type { TranscribeResult } from './transcriber.ts';

/** The transcript of one normalized track (a channel), as checkpointed in the ledger. */
export interface TrackTranscript {
  channel: number;
  result: TranscribeResult;
}

export interface MergedTranscript {
  text: string;
  segments: Segment[];
  language?: string;
  billedSeconds: number;
}

/**
 * Interleaves the tracks of one recording by time. With two channels and a known agent side,
 * each channel's segments carry that speaker; otherwise speakers stay unknown rather than guessed.
 */
export function mergeTracks(tracks: TrackTranscript[], agentChannel: 'none' | 'left' | 'right'): MergedTranscript {
  const labelled = tracks.length === 2 && agentChannel !== 'none';
  const agentIndex = agentChannel === 'right' ? 1 : 0;
  const segments = tracks
    .flatMap(({ channel, result }) =>
      result.segments.map((segment): Segment => {
        const speaker: Speaker | undefined = labelled ? (channel === agentIndex ? 'agent' : 'caller') : segment.speaker;
        return speaker ? { ...segment, speaker } : { start: segment.start, end: segment.end, text: segment.text };
      }),
    )
    .filter((segment) => segment.text.trim() !== '')
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    text: segments.map((s) => s.text.trim()).join(' '),
    segments,
    language: tracks.find((t) => t.result.language)?.result.language,
    billedSeconds: tracks.reduce((sum, t) => sum + t.result.billedSeconds, 0),
  };
}
