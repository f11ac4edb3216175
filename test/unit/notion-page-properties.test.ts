import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors.ts';
import { classifyNotionError } from '../../src/publish/notion/classify-notion-error.ts';
import { localTime, pageName, pageProperties } from '../../src/publish/notion/page-properties.ts';
import { parseCheckpoint } from '../../src/publish/notion/publish-checkpoint.ts';
import type { TranscriptDocument } from '../../src/recording.ts';

const doc = (overrides: Partial<TranscriptDocument> = {}): TranscriptDocument => ({
  id: '0123456789abcdef', sha256: 'x', source: 'sftp', sourcePath: '/in/a.wav', fileName: 'a.wav', receivedAt: '2026-08-21T10:00:00Z',
  audio: { durationSeconds: 12.345, channels: 1, sampleRate: 8000, codec: 'gsm_ms' }, call: {}, model: 'whisper-1', text: '', segments: [], redactions: {},
  ...overrides,
});

describe('pageProperties', () => {
  it('fills only what the document knows', () => {
    expect(pageProperties(doc())).toEqual({
      Name: { title: [{ type: 'text', text: { content: 'a.wav' } }] },
      'Recording ID': { rich_text: [{ type: 'text', text: { content: '0123456789abcdef' } }] },
      File: { rich_text: [{ type: 'text', text: { content: 'a.wav' } }] },
      Source: { select: { name: 'sftp' } },
      'Duration (s)': { number: 12.3 },
      Model: { select: { name: 'whisper-1' } },
    });
  });

  it('names the page caller · agent · local time and fills the Five9 fields', () => {
    const d = doc({ language: 'es', call: { callTime: '2026-01-05T15:04:00Z', caller: '5550100', agent: 'ana', campaign: 'Retention,West', interactionId: 'IX1', leg: 'ivr' } });
    const properties = pageProperties(d, 'America/Chicago');
    expect(properties.Name).toEqual({ title: [{ type: 'text', text: { content: '5550100 · ana · 2026-01-05 09:04' } }] });
    expect(properties).toMatchObject({
      'Call Time': { date: { start: '2026-01-05T15:04:00.000Z' } },
      Caller: { phone_number: '5550100' },
      Agent: { rich_text: [{ text: { content: 'ana' } }] },
      Campaign: { select: { name: 'Retention West' } },
      'Interaction ID': { rich_text: [{ text: { content: 'IX1' } }] },
      Leg: { select: { name: 'ivr' } },
      Language: { select: { name: 'es' } },
    });
    expect(pageName(doc({ call: { agent: 'ana' } }))).toBe('ana');
    expect(localTime('2026-07-01T00:30:00Z', 'Asia/Tokyo')).toBe('2026-07-01 09:30');
    expect(localTime('nope', 'UTC')).toBeUndefined();
  });
});

describe('parseCheckpoint', () => {
  it('reads page progress, bare page ids, the creating marker, and treats garbage as a possible create', () => {
    expect(parseCheckpoint(undefined)).toBeUndefined();
    expect(parseCheckpoint('{"pageId":"p1","appendedBlocks":200}')).toEqual({ pageId: 'p1', appendedBlocks: 200 });
    expect(parseCheckpoint('248104cd-477e-80fd-b757-e945d38000bd')).toEqual({ pageId: '248104cd-477e-80fd-b757-e945d38000bd' });
    expect(parseCheckpoint('{"creating":true}')).toEqual({ creating: true });
    expect(parseCheckpoint('???')).toEqual({ creating: true });
  });
});

describe('classifyNotionError', () => {
  const apiError = (status: number, code: string, headers: Record<string, string> = {}) =>
    new APIResponseError({ code: code as never, status, message: 'm', headers: new Headers(headers), rawBodyText: '{}', additional_data: undefined, request_id: 'req-1' });

  it('maps throttles, 5xx and timeouts to TransientError with Retry-After', () => {
    const throttled = classifyNotionError(apiError(429, 'rate_limited', { 'retry-after': '7' }), 'pages.create');
    expect(throttled).toBeInstanceOf(TransientError);
    expect(throttled).toMatchObject({ status: 429, retryAfterMs: 7_000, requestId: 'req-1', system: 'notion' });
    expect(classifyNotionError(apiError(529, 'service_overload'), 'x')).toBeInstanceOf(TransientError);
    expect(classifyNotionError(apiError(504, 'gateway_timeout'), 'x')).toBeInstanceOf(TransientError);
    expect(classifyNotionError(apiError(409, 'conflict_error'), 'x')).toBeInstanceOf(TransientError);
    expect(classifyNotionError(new UnknownHTTPResponseError({ status: 502, message: undefined, headers: new Headers(), rawBodyText: '<html>' }), 'x')).toBeInstanceOf(TransientError);
    expect(classifyNotionError(new RequestTimeoutError(), 'x')).toBeInstanceOf(TransientError);
    expect(classifyNotionError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 'x')).toBeInstanceOf(TransientError);
  });

  it('maps validation, missing objects and unknown errors to PermanentError, a rejected token to a service-level pause', () => {
    expect(classifyNotionError(apiError(401, 'unauthorized'), 'x')).toMatchObject({ name: 'ServiceError', component: 'notion', status: 401 });
    for (const [status, code] of [[400, 'validation_error'], [403, 'restricted_resource'], [404, 'object_not_found']] as const) {
      expect(classifyNotionError(apiError(status, code), 'x')).toBeInstanceOf(PermanentError);
    }
    expect(classifyNotionError(new UnknownHTTPResponseError({ status: 400, message: undefined, headers: new Headers(), rawBodyText: '{"code":"missing_version"}' }), 'x')).toBeInstanceOf(PermanentError);
    expect(classifyNotionError(new Error('odd'), 'x')).toBeInstanceOf(PermanentError);
  });
});
