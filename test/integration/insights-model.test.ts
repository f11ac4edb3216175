import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { createOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { insightsSchema } from '../../src/insights/call-insights.ts';
import type { RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { PermanentError, ServiceError, TransientError } from '../../src/errors.ts';
import type { InsightsRequest } from '../../src/insights/insights-model.ts';
import { OpenAiInsightsModel } from '../../src/insights/openai-insights-model.ts';

const API_KEY = 'sk-test-insights-0123456789';
const emulator = createOpenAiEmulator({ apiKey: API_KEY });
let server: RunningOpenAiEmulator;

beforeAll(async () => {
  server = await emulator.start();
});
afterAll(async () => server.close());
afterEach(() => {
  emulator.faults.reset();
  emulator.stats.clear();
});

const model = (options: { maxPromptChars?: number; apiKey?: string } = {}) =>
  new OpenAiInsightsModel({ apiKey: options.apiKey ?? API_KEY, baseURL: server.url, model: 'gpt-4o-mini', ...options });

const ESCALATED: InsightsRequest = {
  lines: [
    '[00:01] Agent: Thank you for calling, this call may be recorded for quality purposes.',
    '[00:05] Caller: My order is late again and this is unacceptable.',
    '[00:12] Agent: I am sorry. I will check the shipping status right now.',
    '[00:30] Caller: I want to talk to a supervisor.',
    '[00:35] Agent: I will transfer you to my supervisor.',
    '[00:50] Caller: Fine, but I am still upset.',
  ],
  spoken: [
    'Thank you for calling, this call may be recorded for quality purposes.',
    'I am sorry. I will check the shipping status right now.',
    'I will transfer you to my supervisor.',
  ].join('\n'),
  reasons: ['billing', 'order status', 'technical support'],
  requiredPhrases: ['this call may be recorded', 'is there anything else'],
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('insights through the official SDK (chat completions, structured outputs) against the emulator', () => {
  it('answers every field, validated by the zod schema, deterministically from the transcript', async () => {
    const { insights, usage } = await model().analyze(ESCALATED);
    expect(insights).toMatchObject({
      reason: 'order status',
      outcome: 'escalated',
      sentiment: { start: 'negative', end: 'negative' },
      model: 'gpt-4o-mini',
    });
    expect(insights.summary.length).toBeGreaterThan(10);
    expect(insights.actionItems).toEqual(['I will check the shipping status right now.', 'I will transfer you to my supervisor.']);
    expect(insights.compliance).toEqual([
      { phrase: 'this call may be recorded', said: true, quote: 'Thank you for calling, this call may be recorded for quality purposes.' },
      { phrase: 'is there anything else', said: false, quote: null },
    ]);
    expect(insights.note).toBeUndefined();
    // about four characters a token, as the emulator counts them
    const prompt = emulator.stats.requests[0]?.prompt ?? '';
    expect(usage.promptTokens).toBeGreaterThan(prompt.length / 5);
    expect(usage.promptTokens).toBeLessThan(prompt.length / 3);
    expect(usage.completionTokens).toBeGreaterThan(20);
    // the same transcript, the same answer
    expect((await model().analyze(ESCALATED)).insights).toEqual(insights);
  });

  it('free-text reasons without INSIGHTS_REASONS; a resolved, friendly call', async () => {
    const { insights } = await model().analyze({
      lines: ['[00:01] Agent: How can I help?', '[00:03] Caller: I have a question about a charge on my bill.', '[00:20] Caller: Great, thank you!'],
      spoken: 'How can I help?',
      reasons: [],
      requiredPhrases: [],
    });
    expect(insights).toMatchObject({ reason: 'billing question', outcome: 'resolved', sentiment: { start: 'neutral', end: 'positive' }, compliance: [], actionItems: [] });
  });

  it('sends only the instructions and the lines it was given, and asks with a strict json_schema', async () => {
    await model().analyze(ESCALATED);
    const [request] = emulator.stats.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.model).toBe('gpt-4o-mini');
    for (const line of ESCALATED.lines) expect(request?.prompt).toContain(line);
  });

  it('trims a transcript longer than the context and says so; the end of the call is kept', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `[${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}] Caller: line number ${i} of a long call`);
    const { insights } = await model({ maxPromptChars: 4000 }).analyze({ ...ESCALATED, lines });
    expect(insights.note).toMatch(/trimmed to the model's context: \d+ of 400 lines left out/);
    const prompt = emulator.stats.requests[0]?.prompt ?? '';
    expect(prompt.length).toBeLessThan(4000 + 2000);
    expect(prompt).toContain('line number 0 ');
    expect(prompt).toContain('line number 399 ');
    expect(prompt).not.toContain('line number 200 ');
  });

  it('an answer that breaks the schema is a TransientError (another attempt may do better)', async () => {
    emulator.faults.badAnswer('schema');
    const error = await failure(model().analyze(ESCALATED));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/broke the schema/);
  });

  it('a refusal is permanent; 500 and 429 are transient with Retry-After; a rejected key is service trouble', async () => {
    emulator.faults.badAnswer('refusal');
    expect(await failure(model().analyze(ESCALATED))).toBeInstanceOf(PermanentError);
    emulator.faults.enqueue({ status: 500 });
    expect(await failure(model().analyze(ESCALATED))).toBeInstanceOf(TransientError);
    emulator.faults.enqueue({ status: 429, retryAfter: '2' });
    const limited = await failure(model().analyze(ESCALATED));
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBe(2000);
    expect(await failure(model({ apiKey: 'sk-wrong-key-0000000000' }).analyze(ESCALATED))).toBeInstanceOf(ServiceError);
    // one attempt each: the SDK's own retries are off
    expect(emulator.stats.requests.map((r) => r.retryCount)).toEqual([0, 0, 0, 0]);
  });

  it('a quote the model invents does not pass as said', async () => {
    const { insights } = await model().analyze({ ...ESCALATED, spoken: 'I will transfer you to my supervisor.' });
    expect(insights.compliance[0]).toEqual({ phrase: 'this call may be recorded', said: false, quote: null });
  });

  it('the emulator answers the Responses API too (SDK responses.parse with zodTextFormat), with the same answer', async () => {
    const client = new OpenAI({ apiKey: API_KEY, baseURL: server.url, maxRetries: 0 });
    const schema = insightsSchema(ESCALATED.reasons, ESCALATED.requiredPhrases);
    const response = await client.responses.parse({
      model: 'gpt-4o-mini',
      instructions: 'Review the call.',
      input: `Transcript:\n${ESCALATED.lines.join('\n')}`,
      text: { format: zodTextFormat(schema, 'call_insights') },
    });
    expect(response.output_parsed).toMatchObject({ reason: 'order status', outcome: 'escalated', sentiment: { start: 'negative', end: 'negative' } });
    expect(response.usage?.input_tokens).toBeGreaterThan(50);
    expect(emulator.stats.requests[0]?.path).toBe('/v1/responses');
    expect(emulator.stats.requests[0]?.prompt).toContain('Caller: I want to talk to a supervisor.');
    // a schema without additionalProperties: false is refused under strict, as live
    const loose = client.responses.create({
      model: 'gpt-4o-mini',
      input: 'hello',
      text: { format: { type: 'json_schema', name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
    });
    expect((await failure(loose)).message).toMatch(/400 .*additionalProperties/);
  });
});
