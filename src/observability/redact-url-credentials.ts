/**
 * `scheme://user:password@` in any text becomes `scheme://user:***@` (and a lone `scheme://secret@`,
 * a token in the user part, becomes `scheme://***@`). OPENAI_BASE_URL, NOTION_BASE_URL, proxies
 * and webhook-style URLs carry credentials this way, and the URL turns up in config dumps, SDK error
 * messages, log lines, doctor output and /ready bodies.
 *
 * Quotes, backslashes and whitespace end the user part, so the text stays valid JSON when it is a
 * serialized log line.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string, password: string | undefined) =>
    password === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
  );
}

const USERINFO = `[^\\s/?#@:"'\\\\<>]`;
const URL_CREDENTIALS = new RegExp(`\\b([a-z][a-z0-9+.-]*://)(${USERINFO}+)(?::(${USERINFO.replace(':', '')}*))?@`, 'gi');
