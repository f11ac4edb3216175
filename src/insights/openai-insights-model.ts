import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ZodError } from 'zod';
import { classifyHttpFailure } from '../classify-http-failure.ts';
import { AbortedError, PermanentError, ServiceError, TransientError } from '../errors.ts';
import { withRequestSignal } from '../request-signal.ts';
import { insightsSchema, tidyInsights } from './call-insights.ts';
import type { InsightsModel, InsightsRequest, InsightsResult } from './insights-model.ts';
import { insightsPrompt, promptBudgetChars, SYSTEM_PROMPT } from './insights-prompt.ts';

export interface OpenAiInsightsModelOptions {
  apiKey: string;
  /** The same OpenAI-compatible base URL as transcription; SDK default when absent. */
  baseURL?: string;
  /** A chat model with structured outputs, e.g. `gpt-4o-mini`. */
  model: string;
  /** Per-request timeout in milliseconds; default 120000. */
  timeoutMs?: number;
  /** Transcript characters sent at most; default from the model's context window. */
  maxPromptChars?: number;
}

/**
 * Call insights through chat completions with structured outputs (`response_format:
 * json_schema`, strict) built from a zod schema; the answer is validated with the same schema.
 * One attempt per call (SDK retries off): the insights stage owns retries.
 */
export class OpenAiInsightsModel implements InsightsModel {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  readonly #budget: number;

  constructor(options: OpenAiInsightsModelOptions) {
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#budget = options.maxPromptChars ?? promptBudgetChars(options.model);
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: this.#timeoutMs, maxRetries: 0 });
  }

  async analyze(request: InsightsRequest): Promise<InsightsResult> {
    const { signal } = request;
    const schema = insightsSchema(request.reasons, request.requiredPhrases);
    const prompt = insightsPrompt(request.lines, request.requiredPhrases, this.#budget);
    try {
      signal?.throwIfAborted();
      const completion = await withRequestSignal(signal, (requestSignal) => this.#client.chat.completions.parse(
        {
          model: this.model,
          temperature: 0,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: prompt.content },
          ],
          response_format: zodResponseFormat(schema, 'call_insights'),
        },
        requestSignal === undefined ? {} : { signal: requestSignal },
      ));
      const message = completion.choices[0]?.message;
      if (message?.refusal) throw new PermanentError(`the model refused: ${message.refusal.slice(0, 200)}`, { system: 'openai' });
      if (!message?.parsed) throw new TransientError('the model gave no structured answer', { system: 'openai' });
      const insights = tidyInsights(message.parsed, request.requiredPhrases, request.spoken, this.model);
      return {
        insights: prompt.trimmed ? { ...insights, note: prompt.trimmed } : insights,
        usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
      };
    } catch (error) {
      throw classify(error, signal, this.#timeoutMs);
    }
  }
}

function classify(error: unknown, signal: AbortSignal | undefined, timeoutMs: number): unknown {
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  if (signal?.aborted || error instanceof APIUserAbortError) return new AbortedError('insights aborted', { cause: error });
  // a model may break the schema once and keep it the next time: worth another attempt
  if (error instanceof ZodError || error instanceof SyntaxError) {
    return new TransientError(`the model's answer broke the schema: ${error.message.slice(0, 300)}`, { system: 'openai', cause: error });
  }
  if (error instanceof LengthFinishReasonError) return new PermanentError('the answer was cut at the token limit', { system: 'openai', cause: error });
  if (error instanceof ContentFilterFinishReasonError) return new PermanentError('the content filter stopped the answer', { system: 'openai', cause: error });
  if (error instanceof APIConnectionTimeoutError) return new TransientError(`OpenAI did not answer within ${timeoutMs} ms`, { system: 'openai', cause: error });
  if (error instanceof APIConnectionError) return new TransientError('could not reach OpenAI for insights', { system: 'openai', cause: error });
  if (!(error instanceof APIError) || error.status === undefined) return error;
  const status = error.status;
  const requestId = error.requestID ?? undefined;
  const context = { system: 'openai', status, requestId, cause: error };
  const body = error.error as { message?: unknown } | undefined;
  const tag = `${status}${error.code ? ` ${error.code}` : ''}${requestId ? `, request ${requestId}` : ''}`;
  const message = typeof body?.message === 'string' ? body.message.slice(0, 300) : '';
  const shouldRetry = error.headers?.get('x-should-retry');
  if (status === 429 && (error.code === 'insufficient_quota' || error.type === 'insufficient_quota')) {
    return new ServiceError('openai', `quota exhausted; check the plan and billing of the account (${tag})`, context);
  }
  if (status === 401 || status === 403) return new ServiceError('openai', `key rejected; check OPENAI_API_KEY (${tag})`, context);
  // the shared status map decides; x-should-retry, when OpenAI sends it, wins over the status
  const verdict = classifyHttpFailure({
    ...context,
    headers: error.headers,
    message: `OpenAI answered ${tag}: ${message}`,
    transient: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
  });
  return verdict instanceof TransientError ? verdict : new PermanentError(`OpenAI rejected the insights request (${tag}): ${message}`, context);
}
