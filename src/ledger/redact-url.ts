/** A URL with its password (and any `user:password@` pair) masked, for logs, doctor and errors. */
export function redactUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i, (_all, scheme: string, credentials: string) => {
    if (!credentials.includes(':')) return `${scheme}${credentials}@`;
    return `${scheme}${credentials.slice(0, credentials.indexOf(':'))}:***@`;
  });
}
