import { describe, expect, it } from 'vitest';
import { notionAudioType } from '../../src/publish/notion/audio-types.ts';
import { partCount } from '../../src/publish/notion/file-upload.ts';
import { formatCheckpoint, parseCheckpoint } from '../../src/publish/notion/publish-checkpoint.ts';

const MiB = 1024 * 1024;

describe('notionAudioType', () => {
  it('takes what Notion lists, under its own name', () => {
    expect(notionAudioType('call.wav', 'audio/wav')).toEqual({ contentType: 'audio/wav' });
    expect(notionAudioType('call.WAV', 'audio/x-wav')).toEqual({ contentType: 'audio/wav' });
    expect(notionAudioType('call.mp3', 'audio/mpeg')).toEqual({ contentType: 'audio/mpeg' });
    expect(notionAudioType('call.ogg', 'audio/ogg; codecs=opus')).toEqual({ contentType: 'audio/ogg' });
    expect(notionAudioType('call.m4a', 'audio/mp4')).toEqual({ contentType: 'audio/mp4' });
  });

  it('refuses FLAC, unknown types, and names that do not match the type', () => {
    expect(notionAudioType('call.flac', 'audio/flac')).toEqual({ reason: expect.stringContaining('audio/flac is not one Notion accepts') });
    expect(notionAudioType('call', '')).toEqual({ reason: expect.stringContaining('(none)') });
    expect(notionAudioType('call.flac', 'audio/wav')).toEqual({ reason: 'file name call.flac does not end in .wav as audio/wav must for Notion' });
  });
});

describe('partCount', () => {
  it('one request up to 20 MiB, then 10 MiB parts', () => {
    expect(partCount(1)).toBe(1);
    expect(partCount(20 * MiB)).toBe(1);
    expect(partCount(20 * MiB + 1)).toBe(3);
    expect(partCount(30 * MiB)).toBe(3);
    expect(partCount(30 * MiB + 1)).toBe(4);
  });
});

describe('the Notion checkpoint with audio', () => {
  it('round-trips every audio state', () => {
    for (const audio of [
      { skipped: 'too large' },
      { uploadId: 'u1', parts: 3, sentParts: 1 },
      { uploadId: 'u1', parts: 1, sentParts: 1, uploaded: true as const },
      { blockId: 'b1', uploadId: 'u1' },
      { blockId: 'b1' },
    ]) {
      const checkpoint = { pageId: 'p1', appendedBlocks: 3, audio };
      expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    }
  });

  it('drops an unreadable audio part but keeps the page', () => {
    expect(parseCheckpoint('{"pageId":"p1","appendedBlocks":3,"audio":{"uploadId":7}}')).toEqual({ pageId: 'p1', appendedBlocks: 3 });
    expect(parseCheckpoint('{"pageId":"p1","appendedBlocks":3}')).toEqual({ pageId: 'p1', appendedBlocks: 3 });
  });
});
