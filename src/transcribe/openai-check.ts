import OpenAI from 'openai';

/**
 * For `recpipe doctor` and /ready: proves the key and the model without paying for audio, by
 * retrieving the model (`GET /models/{model}`), which OpenAI and the common self-hosted
 * Whisper servers answer.
 */
export async function checkOpenAi(options: { apiKey?: string; baseURL?: string; model: string; timeoutMs?: number }): Promise<string> {
  const client = new OpenAI({ apiKey: options.apiKey ?? '', baseURL: options.baseURL, maxRetries: 0, timeout: Math.min(options.timeoutMs ?? 10_000, 10_000) });
  const where = options.baseURL ?? 'api.openai.com';
  try {
    const model = await client.models.retrieve(options.model);
    return `${where}: key accepted, model ${model.id} available`;
  } catch (error) {
    if (error instanceof OpenAI.AuthenticationError) throw new Error(`${where}: API key rejected (401); check OPENAI_API_KEY`);
    if (error instanceof OpenAI.NotFoundError) throw new Error(`${where}: model ${options.model} not found; check TRANSCRIBE_MODEL`);
    if (error instanceof OpenAI.APIConnectionError) throw new Error(`${where}: cannot connect (${error.message}); check OPENAI_BASE_URL and the network`);
    if (error instanceof OpenAI.APIError) throw new Error(`${where}: ${error.status ?? ''} ${error.message}`);
    throw error;
  }
}
