import { randomBytes } from 'node:crypto';
import { errorAnswer, jsonAnswer } from './openai-answers.ts';
import type { ApiAnswer } from './openai-answers.ts';
import type { ChatAnswerFault } from './openai-faults.ts';
import { strictSchemaProblems, structuredAnswer, type SchemaNode } from './structured-answer.ts';

/** The parts of a chat completions request the emulator reads. */
interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  response_format?: { type?: unknown; json_schema?: { name?: unknown; schema?: unknown; strict?: unknown } };
}

/** Every message's text, joined: what the model would read (and what tests check for leaks). */
export function promptOf(body: unknown): string {
  const request = body as (ChatRequest & { input?: unknown; instructions?: unknown }) | null;
  // the Responses API: `instructions` plus `input`, a string or a list of messages
  if (request?.input !== undefined) {
    const input = typeof request.input === 'string' ? request.input : promptOf({ messages: request.input });
    return typeof request.instructions === 'string' ? `${request.instructions}\n${input}` : input;
  }
  const messages = request?.messages;
  if (!Array.isArray(messages)) return '';
  return messages
    .map((m) => {
      const content = (m as { content?: unknown }).content;
      if (typeof content === 'string') return content;
      if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
      return '';
    })
    .join('\n');
}

/**
 * `POST /v1/chat/completions` with `response_format: json_schema`: checks the request as the live
 * API does (model, messages, a strict-valid schema), then answers a deterministic object that
 * validates against the schema, derived from the prompt (see structuredAnswer), with `usage`
 * counted at about four characters a token. `fault` makes the content break the schema or refuse.
 */
export function chatCompletionAnswer(body: unknown, fault?: ChatAnswerFault): ApiAnswer {
  const request = (body ?? {}) as ChatRequest;
  if (typeof request.model !== 'string' || request.model === '') return errorAnswer(400, "Missing required parameter: 'model'.", { param: 'model', code: 'missing_required_parameter' });
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    return errorAnswer(400, "Invalid 'messages': empty array. Expected an array with minimum length 1.", { param: 'messages', code: 'empty_array' });
  }
  const prompt = promptOf(body);
  const format = request.response_format;
  let content: string;
  if (format?.type === 'json_schema') {
    const schema = format.json_schema?.schema as SchemaNode | undefined;
    if (typeof format.json_schema?.name !== 'string' || schema === undefined || typeof schema !== 'object') {
      return errorAnswer(400, "Missing required parameter: 'response_format.json_schema'.", { param: 'response_format', code: 'missing_required_parameter' });
    }
    if (format.json_schema.strict === true) {
      const problems = strictSchemaProblems(schema);
      if (problems.length > 0) {
        return errorAnswer(400, `Invalid schema for response_format '${format.json_schema.name}': ${problems[0]}`, { param: 'response_format', code: 'invalid_json_schema' });
      }
    }
    const answer = structuredAnswer(schema, prompt) as Record<string, unknown>;
    content = JSON.stringify(fault === 'schema' ? breakSchema(answer) : answer);
  } else {
    content = 'This emulator answers structured outputs; ask with response_format json_schema.';
  }
  const refusal = fault === 'refusal' ? "I'm sorry, I can't help with that request." : null;
  const promptTokens = Math.ceil(prompt.length / 4) + 7 * request.messages.length;
  const completionTokens = refusal === null ? Math.ceil(content.length / 4) : Math.ceil(refusal.length / 4);
  return jsonAnswer({
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: refusal === null ? content : null, refusal, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_emulator',
  });
}

/** What a misbehaving model sends: an enum value that is not in the enum, and a field missing. */
function breakSchema(answer: Record<string, unknown>): Record<string, unknown> {
  const { summary: _dropped, ...rest } = answer;
  return { ...rest, outcome: 'maybe' };
}

/**
 * `POST /v1/responses` with `text.format: json_schema`: the same deterministic structured answer
 * as chat completions, in the Responses API's shape (`output[].content[].output_text`, `usage`
 * as input/output tokens).
 */
export function responseAnswer(body: unknown, fault?: ChatAnswerFault): ApiAnswer {
  const request = (body ?? {}) as { model?: unknown; input?: unknown; text?: { format?: { type?: unknown; name?: unknown; schema?: unknown; strict?: unknown } } };
  const format = request.text?.format;
  const asChat = {
    model: request.model,
    messages: [{ role: 'user', content: promptOf(body) }],
    ...(format?.type === 'json_schema' ? { response_format: { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } } } : {}),
  };
  if (request.input === undefined || promptOf(body) === '') return errorAnswer(400, "Missing required parameter: 'input'.", { param: 'input', code: 'missing_required_parameter' });
  const chat = chatCompletionAnswer(asChat, fault);
  if (chat.status !== 200 || typeof chat.body !== 'string') return chat;
  const completion = JSON.parse(chat.body) as {
    model: string;
    created: number;
    choices: Array<{ message: { content: string | null; refusal: string | null } }>;
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
  const message = completion.choices[0]?.message;
  const content = message?.refusal
    ? [{ type: 'refusal', refusal: message.refusal }]
    : [{ type: 'output_text', text: message?.content ?? '', annotations: [], logprobs: [] }];
  return jsonAnswer({
    id: `resp_${randomBytes(24).toString('hex')}`,
    object: 'response',
    created_at: completion.created,
    status: 'completed',
    error: null,
    incomplete_details: null,
    model: completion.model,
    output: [{ type: 'message', id: `msg_${randomBytes(24).toString('hex')}`, status: 'completed', role: 'assistant', content }],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    text: { format: format ?? { type: 'text' } },
    usage: {
      input_tokens: completion.usage.prompt_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: completion.usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: completion.usage.total_tokens,
    },
  });
}
