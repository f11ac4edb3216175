import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRecpipe } from '../helpers/recpipe-process.ts';

describe('recpipe CLI (real process)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'recpipe-cli-'));
  });

  it('bad configuration: exit 2, one line per problem naming the variable, no stack trace', async () => {
    const result = await runRecpipe(['run', '--once'], { DATA_DIR: path.join(cwd, 'data'), CONCURRENCY: 'lots', SFTP_HOST: 'sftp.example.com' }, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ {2}CONCURRENCY: /m);
    expect(result.stderr).toMatch(/^ {2}SFTP_USERNAME: required when SFTP_HOST is set$/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('start, run and doctor need OPENAI_API_KEY; status does not', async () => {
    const env = { DATA_DIR: path.join(cwd, 'data') };
    const run = await runRecpipe(['run', '--once'], env, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/OPENAI_API_KEY: required/);
    const status = await runRecpipe(['status', '--json'], env, cwd);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ pending: 0, done: 0, failed: 0 });
  });

  it('start off loopback without the console credentials: exit 2 naming them; status still runs; the password is redacted', async () => {
    const env = { DATA_DIR: path.join(cwd, 'exposed'), OPENAI_API_KEY: 'sk-test', HTTP_HOST: '0.0.0.0' };
    const start = await runRecpipe(['start'], env, cwd);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/^recpipe: bad configuration\n {2}CONSOLE_USER \/ CONSOLE_PASSWORD: required when HTTP_HOST \(0\.0\.0\.0\) is not loopback/);
    expect((await runRecpipe(['status', '--json'], env, cwd)).code).toBe(0);
    const config = await runRecpipe(['config'], { ...env, CONSOLE_USER: 'ops', CONSOLE_PASSWORD: 'console-secret-pw' }, cwd);
    expect(config.code).toBe(0);
    expect(config.stdout).not.toContain('console-secret-pw');
    expect(JSON.parse(config.stdout).http.console).toEqual({ user: 'ops', password: '[redacted]' });
  });

  it('config prints the effective configuration with secrets redacted, .env included', async () => {
    await writeFile(path.join(cwd, '.env'), 'OPENAI_API_KEY=sk-from-dotenv-secret\nTRANSCRIBE_MODEL=gpt-4o-transcribe\n');
    const result = await runRecpipe(['config'], { DATA_DIR: path.join(cwd, 'data'), SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/hooksecret' }, cwd);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.openai).toMatchObject({ apiKey: '[redacted]', model: 'gpt-4o-transcribe' });
    expect(printed.slack.webhookUrl).toBe('[redacted]');
    expect(result.stdout).not.toMatch(/sk-from-dotenv-secret|hooksecret/);
  });

  it('unknown commands and `run` without --once exit 2 with usage', async () => {
    const unknown = await runRecpipe(['transcribe-everything'], {}, cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "transcribe-everything"/);
    const run = await runRecpipe(['run'], { OPENAI_API_KEY: 'sk-x', DATA_DIR: path.join(cwd, 'data') }, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/only `run --once` exists/);
  });

  it('retry names what it cannot find', async () => {
    const result = await runRecpipe(['retry', 'deadbeefdeadbeef'], { DATA_DIR: path.join(cwd, 'data') }, cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no recording deadbeefdeadbeef/);
  });
});
