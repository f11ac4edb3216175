import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, environmentWithDotEnv, loadConfig, redactedConfig } from '../../src/config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-x' });
    expect(config.paths.dataDir).toBe(path.resolve('./data'));
    expect(config.paths.inboxDir).toBe(path.resolve('./data/inbox'));
    expect(config.paths.sqlitePath).toBe(path.resolve('./data/pipeline.db'));
    expect(config.pipeline).toMatchObject({ concurrency: 4, maxAttempts: 5, shutdownTimeoutMs: 30_000 });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config.openai.model).toBe('whisper-1');
    expect(config.inbox.watch).toBe(true);
    expect(config.sftp).toBeUndefined();
    expect(config.notion).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.five9).toMatchObject({ timeZone: 'UTC', agentChannel: 'none', ivrLegs: 'transcribe' });
    expect(config.redact).toEqual(['pci', 'ssn']);
    expect(config.log.format).toBe('json');
  });

  it('lists every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      CONCURRENCY: 'many',
      HTTP_PORT: '70000',
      WATCH_INBOX: 'maybe',
      FIVE9_TIMEZONE: 'Mars/Olympus',
      REDACT: 'pci,dna',
      SFTP_HOST_KEY_SHA256: 'md5:abc',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['CONCURRENCY', 'FIVE9_TIMEZONE', 'HTTP_PORT', 'REDACT', 'SFTP_HOST_KEY_SHA256', 'WATCH_INBOX'].sort(),
    );
  });

  it('checks SFTP settings together: user, credentials, pinned host key, archive dir', () => {
    const problems = problemsOf({ SFTP_HOST: 'sftp.example.com', SFTP_AFTER_SUCCESS: 'move' });
    expect(problems.join('\n')).toMatch(/SFTP_USERNAME: required/);
    expect(problems.join('\n')).toMatch(/SFTP_PASSWORD \/ SFTP_PRIVATE_KEY_PATH/);
    expect(problems.join('\n')).toMatch(/SFTP_HOST_KEY_SHA256: required/);
    expect(problems.join('\n')).toMatch(/SFTP_ARCHIVE_DIR: required/);
    const ok = loadConfig({
      SFTP_HOST: 'sftp.example.com',
      SFTP_USERNAME: 'five9',
      SFTP_PASSWORD: 'pw',
      SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: 'true',
    });
    expect(ok.sftp).toMatchObject({ host: 'sftp.example.com', port: 22, remoteDir: '/', afterSuccess: 'leave', insecureAcceptAnyHostKey: true });
  });

  it('takes a postgres:// DATABASE_URL for the shared ledger, and refuses anything else', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u:p@h/db' })).toEqual([]);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h:5432/db', LEASE_MS: '5000' })).toMatchObject({
      databaseUrl: 'postgresql://u:p@h:5432/db',
      database: { leaseMs: 5000, poolMax: 10 },
    });
    expect(problemsOf({ DATABASE_URL: 'mysql://u:p@h/db' }).join()).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  it('REDACT=none turns redaction off', () => {
    expect(loadConfig({ REDACT: 'none' }).redact).toEqual([]);
    expect(loadConfig({ REDACT: 'PCI, email' }).redact).toEqual(['pci', 'email']);
  });

  it('requires the OpenAI key only where transcription happens', () => {
    expect(loadConfig({}).openai.apiKey).toBeUndefined();
    expect(() => loadConfig({}, { transcribes: true })).toThrow(/OPENAI_API_KEY: required/);
    // listed together with every other problem
    try {
      loadConfig({ CONCURRENCY: 'x' }, { transcribes: true });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['OPENAI_API_KEY', 'CONCURRENCY']);
    }
  });

  it('never prints secrets', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'sk-secret-1',
      NOTION_TOKEN: 'ntn_secret_2',
      NOTION_DATABASE_ID: 'db',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/secret3',
      SFTP_HOST: 'h',
      SFTP_USERNAME: 'u',
      SFTP_PASSWORD: 'secret5',
      SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: 'true',
    });
    const printed = JSON.stringify(redactedConfig(config));
    for (const secret of ['sk-secret-1', 'ntn_secret_2', 'secret3', 'secret5']) expect(printed).not.toContain(secret);
  });

  it('reads .env in the working directory, and the real environment wins', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'recpipe-env-'));
    writeFileSync(path.join(dir, '.env'), 'CONCURRENCY=7\nTRANSCRIBE_MODEL="gpt-4o-transcribe"\n# comment\n');
    const env = environmentWithDotEnv({ TRANSCRIBE_MODEL: 'whisper-1' }, dir);
    const config = loadConfig(env);
    expect(config.pipeline.concurrency).toBe(7);
    expect(config.openai.model).toBe('whisper-1');
  });
});
