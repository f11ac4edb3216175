import { readFileSync } from 'node:fs';

/**
 * Every variable that holds a secret. Each may instead be given as `<NAME>_FILE`, the path of a
 * file holding the value (Docker and Kubernetes secrets), so it never sits in the environment.
 */
export const SECRET_VARIABLES = [
  'OPENAI_API_KEY',
  'NOTION_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
  'SFTP_PASSWORD',
  'SFTP_PASSPHRASE',
  'DATABASE_URL',
  'CONSOLE_PASSWORD',
] as const;

/**
 * Replaces each `<NAME>_FILE` with `<NAME>` read from that file (one trailing newline trimmed, as
 * `echo` and editors leave one). Both set, or a file that cannot be read, is a problem naming the
 * variables; the contents never appear in a problem.
 */
export function secretsFromFiles(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; problems: string[] } {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const file = env[fileVariable]?.trim();
    if (!file) continue;
    delete resolved[fileVariable];
    if (env[name]?.trim()) {
      problems.push(`${name}: set both ${name} and ${fileVariable}; keep one`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(`${fileVariable}: cannot read ${file}${code ? ` (${code})` : ''}`);
      // the variable stays unset, so "required" problems do not pile up on top of this one
      delete resolved[name];
    }
  }
  return { env: resolved, problems };
}
