import type { ChannelLevels } from '../audio/channel-levels.ts';
import type { Segment, Speaker } from '../recording.ts';
import { attributeSpeakers, type AttributionOptions } from './speaker-attribution.ts';
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

/** Per-channel loudness of a stereo call, for telling who spoke each turn. */
export interface MergeOptions extends AttributionOptions {
  levels?: readonly [ChannelLevels, ChannelLevels];
}

/**
 * Interleaves the tracks of one recording by time. With two channels and a known agent side,
 * turns are labelled agent/caller by which channel is louder during each turn (`levels`; see
 * {@link attributeSpeakers}), bleed heard on both channels is kept once, and a turn neither
 * channel dominates stays unlabelled; without `levels` each channel's turns take its side.
 * Otherwise speakers stay unknown rather than guessed (a diarizing model's own labels are kept).
 */
export function mergeTracks(tracks: TrackTranscript[], agentChannel: 'none' | 'left' | 'right', options: MergeOptions = {}): MergedTranscript {
  const labelled = tracks.length === 2 && agentChannel !== 'none';
  const agentIndex = agentChannel === 'right' ? 1 : 0;
  const [left, right] = [...tracks].sort((a, b) => a.channel - b.channel);
  let segments: Segment[];
  if (labelled && options.levels && left && right) {
    segments = attributeSpeakers([left.result.segments, right.result.segments], options.levels, agentIndex, options);
  } else {
    segments = tracks
      .flatMap(({ channel, result }) =>
        result.segments.map((segment): Segment => {
          const speaker: Speaker | undefined = labelled ? (channel === agentIndex ? 'agent' : 'caller') : segment.speaker;
          const { speaker: _ignored, ...rest } = segment;
          return speaker ? { ...rest, speaker } : rest;
        }),
      )
      .sort((a, b) => a.start - b.start || a.end - b.end);
  }
  segments = segments.filter((segment) => segment.text.trim() !== '');
  return {
    text: segments.map((s) => s.text.trim()).join(' '),
    segments,
    language: tracks.find((t) => t.result.language)?.result.language,
    billedSeconds: tracks.reduce((sum, t) => sum + t.result.billedSeconds, 0),
  };
}
