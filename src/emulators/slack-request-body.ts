/** A Web API request body decoded the way Slack decodes it, or the error Slack would answer. */
export type SlackRequestBody =
  | {
      ok: true;
      args: Record<string, unknown>;
      encoding: 'form' | 'json' | 'multipart' | 'none';
      /** Slack answers a JSON body without `charset` with a `missing_charset` warning. */
      missingCharset: boolean;
      /** The bearer token from the header, else (form encodings only) the `token` field. */
      token?: string;
    }
  | { ok: false; error: string };

/**
 * Decodes `application/x-www-form-urlencoded` (what @slack/web-api sends, with `blocks`,
 * `attachments` and `metadata` as JSON-encoded string fields), `application/json`,
 * `multipart/form-data` and `text/plain` (read as a query string, as Slack does).
 */
export async function readSlackRequestBody(request: Request): Promise<SlackRequestBody> {
  const contentType = request.headers.get('content-type')?.toLowerCase() ?? '';
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  const headerToken = bearerToken(request.headers.get('authorization'));

  if (mediaType === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return { ok: false, error: 'invalid_form_data' };
    }
    const args: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string') args[key] = value;
    return withToken(args, 'multipart', headerToken);
  }

  const raw = await request.text();
  if (mediaType === '') {
    if (raw.trim() !== '') return { ok: false, error: 'missing_post_type' };
    return withToken({}, 'none', headerToken);
  }
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain') {
    return withToken(Object.fromEntries(new URLSearchParams(raw)), 'form', headerToken);
  }
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_json' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, error: 'invalid_json' };
    }
    // Slack ignores a `token` property in JSON bodies: JSON callers must send the header.
    const args = { ...(parsed as Record<string, unknown>) };
    delete args.token;
    const result: SlackRequestBody = {
      ok: true,
      args,
      encoding: 'json',
      missingCharset: !contentType.includes('charset='),
    };
    if (headerToken !== undefined) result.token = headerToken;
    return result;
  }
  return { ok: false, error: 'invalid_post_type' };
}

function withToken(
  args: Record<string, unknown>,
  encoding: 'form' | 'multipart' | 'none',
  headerToken: string | undefined,
): SlackRequestBody {
  const fieldToken = typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
  delete args.token;
  const token = headerToken ?? fieldToken;
  const result: SlackRequestBody = { ok: true, args, encoding, missingCharset: false };
  if (token !== undefined) result.token = token;
  return result;
}

function bearerToken(header: string | null): string | undefined {
  if (header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
