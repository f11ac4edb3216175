import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from '../../src/config.ts';
import { SECRET_VARIABLES } from '../../src/config/secret-files.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'recpipe-secrets-'));
const secretFile = (name: string, content: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
};
const problemsOf = (env: Record<string, string>, options = {}): string[] => {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('<NAME>_FILE secrets', () => {
  it('reads every secret from its file, trimming one trailing newline only', () => {
    const config = loadConfig({
      OPENAI_API_KEY_FILE: secretFile('openai', 'sk-from-file\n'),
      NOTION_TOKEN_FILE: secretFile('notion', 'ntn_secret \n\n'),
      NOTION_DATABASE_ID: 'db',
      SLACK_BOT_TOKEN_FILE: secretFile('slack', 'xoxb-1\r\n'),
      SLACK_CHANNEL: '#x',
      SLACK_WEBHOOK_URL_FILE: secretFile('hook', 'https://hooks.slack.com/services/T/B/x'),
      SFTP_HOST: 'sftp.example.com',
      SFTP_USERNAME: 'five9',
      SFTP_PASSWORD_FILE: secretFile('sftp', 'pa ss#word\n'),
      SFTP_PASSPHRASE_FILE: secretFile('phrase', 'phrase\n'),
      SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: 'true',
    });
    expect(config.openai.apiKey).toBe('sk-from-file');
    // only one newline is trimmed: anything else is the operator's value
    expect(config.notion?.token).toBe('ntn_secret \n');
    expect(config.slack?.botToken).toBe('xoxb-1');
    expect(config.slack?.webhookUrl).toBe('https://hooks.slack.com/services/T/B/x');
    expect(config.sftp?.password).toBe('pa ss#word');
    expect(config.sftp?.passphrase).toBe('phrase');
    expect(JSON.stringify(redactedConfig(config))).not.toContain('sk-from-file');
  });

  it('covers DATABASE_URL too (its own rules still apply to the value read)', () => {
    const problems = problemsOf({ OPENAI_API_KEY: 'sk', DATABASE_URL_FILE: secretFile('db', 'mysql://u:p@h/db\n') });
    expect(problems.some((p) => p.startsWith('DATABASE_URL: must be a postgres:// URL'))).toBe(true);
    expect(problems.join('\n')).not.toContain('u:p@h');
  });

  it('both the variable and its _FILE set is a problem naming both', () => {
    const problems = problemsOf({ OPENAI_API_KEY: 'sk-env', OPENAI_API_KEY_FILE: secretFile('both', 'sk-file') });
    expect(problems).toContain('OPENAI_API_KEY: set both OPENAI_API_KEY and OPENAI_API_KEY_FILE; keep one');
  });

  it('an unreadable file is one problem naming the variable, never its contents, and no "required" on top', () => {
    const missing = problemsOf({ OPENAI_API_KEY_FILE: path.join(dir, 'nope') }, { transcribes: true });
    expect(missing).toEqual([`OPENAI_API_KEY_FILE: cannot read ${path.join(dir, 'nope')} (ENOENT)`]);
    const locked = secretFile('locked', 'sk-hidden');
    chmodSync(locked, 0o000);
    const problems = problemsOf({ OPENAI_API_KEY_FILE: locked });
    // root reads anything; elsewhere the file is unreadable and named
    if (process.getuid?.() !== 0) expect(problems).toEqual([`OPENAI_API_KEY_FILE: cannot read ${locked} (EACCES)`]);
    expect(problems.join('\n')).not.toContain('sk-hidden');
    const directory = problemsOf({ SFTP_PASSWORD_FILE: dir, OPENAI_API_KEY: 'sk' });
    expect(directory[0]).toBe(`SFTP_PASSWORD_FILE: cannot read ${dir} (EISDIR)`);
  });

  it('names every secret the service reads', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(
      ['CONSOLE_PASSWORD', 'DATABASE_URL', 'NOTION_TOKEN', 'OPENAI_API_KEY', 'SFTP_PASSPHRASE', 'SFTP_PASSWORD', 'SLACK_BOT_TOKEN', 'SLACK_WEBHOOK_URL'].sort(),
    );
  });

  it('doctor may run with SFTP and no host key pin (it prints the one to pin); start may not', () => {
    const env = { OPENAI_API_KEY: 'sk', SFTP_HOST: 'h', SFTP_USERNAME: 'u', SFTP_PASSWORD: 'p' };
    expect(problemsOf(env).some((p) => p.startsWith('SFTP_HOST_KEY_SHA256: required'))).toBe(true);
    expect(problemsOf(env, { sftpPinOptional: true })).toEqual([]);
  });
});
