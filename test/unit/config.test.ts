import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, configSlices, environmentWithDotEnv, loadConfig, redactedConfig, type Config } from '../../src/config.ts';
import { logConfig } from '../../src/config/log-config.ts';
import { pipelineConfig } from '../../src/config/pipeline-config.ts';
import { serviceConfig } from '../../src/config/service-config.ts';
import { sftpConfig, type SftpConfig } from '../../src/config/sftp-config.ts';
import type { RedactKind } from '../../src/redact/redact-kinds.ts';
import type { SftpSettings } from '../../src/sftp/sftp-settings.ts';

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

  it('takes a postgres:// DATABASE_URL (never printed with its password) and refuses anything else', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:pw-secret@h/db', LEASE_MS: '5000' });
    expect(config.databaseUrl).toBe('postgres://u:pw-secret@h/db');
    expect(config.database).toEqual({ leaseMs: 5000, poolMax: 10 });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('pw-secret');
    expect(problemsOf({ DATABASE_URL: 'mysql://u:p@h/db' })).toEqual(['DATABASE_URL: must be a postgres:// URL (unset means SQLite)']);
    expect(loadConfig({}).databaseUrl).toBeUndefined();
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

describe('config in slices', () => {
  const variablesOf = (schema: unknown): string[] => {
    // every slice is `z.object({...variables}).transform(...)`: a pipe whose input is the object
    const input = (schema as { in?: { shape?: Record<string, unknown> } }).in;
    expect(input?.shape, 'a slice is z.object(variables).transform(settings)').toBeDefined();
    return Object.keys(input!.shape!);
  };
  const slices = Object.entries(configSlices());

  it('reads each variable in exactly one slice', () => {
    const owner = new Map<string, string>();
    for (const [key, schema] of slices) {
      for (const variable of variablesOf(schema)) {
        expect(owner.get(variable), `${variable} in ${key} and ${owner.get(variable)}`).toBeUndefined();
        owner.set(variable, key);
      }
    }
    expect(owner.get('SFTP_HOST')).toBe('sftp');
    expect(owner.get('DATABASE_URL')).toBe('databaseUrl');
    expect(owner.size).toBeGreaterThanOrEqual(60);
  });

  it('documents every variable it reads in the README table, and reads every one documented there', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Any OpenAI-compatible server'));
    const documented = new Set([...table.matchAll(/^\| (.+?) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    const read = new Set(slices.flatMap(([, schema]) => variablesOf(schema)));
    expect([...read].filter((v) => !documented.has(v)), 'read but not documented').toEqual([]);
    expect([...documented].filter((v) => !read.has(v)), 'documented but not read').toEqual([]);
  });

  it('parses a slice on its own into its typed settings', () => {
    expect(sftpConfig.parse({})).toBeUndefined();
    const sftp = sftpConfig.parse({ SFTP_HOST: 'h', SFTP_USERNAME: 'u', SFTP_PASSWORD: 'p', SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: 'yes', SFTP_PORT: '2222' });
    expect(sftp).toMatchObject({ host: 'h', port: 2222, username: 'u', insecureAcceptAnyHostKey: true, pollIntervalMs: 60_000 });
    expect(pipelineConfig.parse({ CONCURRENCY: '8' })).toMatchObject({ concurrency: 8, maxAttempts: 5 });
    expect(logConfig(true).parse({}).format).toBe('pretty');
    expect(logConfig(false).parse({ LOG_FORMAT: 'pretty' }).format).toBe('pretty');
    expect(loadConfig({}, { isTTY: true }).log.format).toBe('pretty');
    expect(serviceConfig.parse({ DISK_FREE_MIN_MB: '1' }).diskFreeMinBytes).toBe(1_048_576);
    // the settings' types come from the schemas, not from a second hand-written interface
    expectTypeOf<Config['sftp']>().toEqualTypeOf<SftpConfig | undefined>();
    expectTypeOf<SftpConfig>().toExtend<SftpSettings>();
    expectTypeOf<Config['log']['format']>().toEqualTypeOf<'json' | 'pretty'>();
    expectTypeOf<Config['redact']>().toEqualTypeOf<RedactKind[]>();
  });

  it('checks the rules between variables even when another variable of the same slice is invalid', () => {
    const problems = problemsOf({ SFTP_HOST: 'h', SFTP_PORT: 'abc', SFTP_AFTER_SUCCESS: 'move' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['SFTP_ARCHIVE_DIR', 'SFTP_HOST_KEY_SHA256', 'SFTP_PASSWORD / SFTP_PRIVATE_KEY_PATH', 'SFTP_PORT', 'SFTP_USERNAME'].sort(),
    );
  });

  it('names an invalid variable once, not again as missing', () => {
    const problems = problemsOf({ SFTP_HOST: 'h', SFTP_USERNAME: 'u', SFTP_PASSWORD: 'p', SFTP_HOST_KEY_SHA256: 'SHA256:short' });
    expect(problems).toEqual([expect.stringMatching(/^SFTP_HOST_KEY_SHA256: must look like SHA256:/)]);
    expect(problemsOf({ RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '100' })).toEqual(['RETRY_MAX_DELAY_MS: must be at least RETRY_BASE_DELAY_MS']);
    expect(problemsOf({ RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '-1' })).toEqual(['RETRY_MAX_DELAY_MS: must be at least 0']);
  });

  it('reports problems of every slice together, with a missing key first', () => {
    try {
      loadConfig({ NOTION_TOKEN: 'secret_x', SLACK_CHANNEL: '#ops', FIVE9_NAME_PATTERN: '{nonsense', OPENAI_BASE_URL: 'not a url', TRANSCRIBE_LANGUAGE: 'english' }, { transcribes: true });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems[0]).toMatch(/^OPENAI_API_KEY: required/);
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
        ['FIVE9_NAME_PATTERN', 'NOTION_DATABASE_ID', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'SLACK_BOT_TOKEN', 'TRANSCRIBE_LANGUAGE'].sort(),
      );
      expect(problems.find((p) => p.startsWith('NOTION_DATABASE_ID'))).toBe('NOTION_DATABASE_ID: required together with NOTION_TOKEN');
      expect(problems.join('\n')).not.toContain('secret_x');
    }
  });

  it('asks for the console credentials only when serving off loopback, and never prints the password', () => {
    expect(problemsOf({ HTTP_HOST: '0.0.0.0' })).toEqual([]);
    expect(() => loadConfig({ HTTP_HOST: '0.0.0.0' }, { serves: true })).toThrow(/CONSOLE_USER \/ CONSOLE_PASSWORD: required when HTTP_HOST \(0\.0\.0\.0\) is not loopback/);
    expect(loadConfig({ HTTP_HOST: '127.0.0.1' }, { serves: true }).http.console).toBeUndefined();
    expect(problemsOf({ CONSOLE_USER: 'ops' })).toEqual(['CONSOLE_PASSWORD: required together with CONSOLE_USER']);
    const config = loadConfig({ HTTP_HOST: '0.0.0.0', CONSOLE_USER: 'ops', CONSOLE_PASSWORD: 'pw-console-7' }, { serves: true });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9464, console: { user: 'ops', password: 'pw-console-7' } });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('pw-console-7');
  });

  it('checks the one rule between two slices: SLACK_ALERT_ON needs INSIGHTS_MODEL', () => {
    expect(problemsOf({ SLACK_ALERT_ON: 'escalated' })).toEqual(['SLACK_ALERT_ON: needs INSIGHTS_MODEL (the alerts come from the insights)']);
    expect(problemsOf({ SLACK_ALERT_ON: 'escalated,bored', INSIGHTS_MODEL: 'gpt-4o-mini' })).toEqual([
      expect.stringMatching(/^SLACK_ALERT_ON\.1: must be a comma list of escalated/),
    ]);
    const config = loadConfig({ SLACK_ALERT_ON: 'Escalated, negative', INSIGHTS_MODEL: 'gpt-4o-mini', INSIGHTS_REQUIRED_PHRASES: 'Hello, this call is recorded; thank you;' });
    expect(config.insightAlerts).toEqual(['escalated', 'negative']);
    expect(config.insights).toEqual({ model: 'gpt-4o-mini', reasons: [], requiredPhrases: ['Hello, this call is recorded', 'thank you'] });
    expect(loadConfig({}).insights).toBeUndefined();
  });

  it('treats blank like unset, and whitespace-only secrets as missing', () => {
    expect(loadConfig({ SFTP_HOST: '  ', NOTION_TOKEN: '', SLACK_WEBHOOK_URL: '' })).toMatchObject({ sftp: undefined, notion: undefined, slack: undefined });
    expect(() => loadConfig({ OPENAI_API_KEY: '   ' }, { transcribes: true })).toThrow(/OPENAI_API_KEY: required/);
  });
});
