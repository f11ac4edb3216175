import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from '../../src/config.ts';
import { createHttpApp } from '../../src/http/http-app.ts';
import { Readiness } from '../../src/http/readiness.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { redactUrlCredentials } from '../../src/observability/redact-url-credentials.ts';

describe('credentials in URLs', () => {
  it('keeps the user, hides the password; a lone user part (a token) is hidden whole', () => {
    expect(redactUrlCredentials('https://user:s3cret@proxy.example/v1')).toBe('https://user:***@proxy.example/v1');
    expect(redactUrlCredentials('https://tok_abc@proxy.example/')).toBe('https://***@proxy.example/');
    expect(redactUrlCredentials('postgres://u:p:w%40x@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(redactUrlCredentials('a https://a:1@h and http://b:2@i')).toBe('a https://a:***@h and http://b:***@i');
    // nothing to hide: ports and plain addresses stay as they are
    expect(redactUrlCredentials('https://host:8080/x?a=b@c')).toBe('https://host:8080/x?a=b@c');
    expect(redactUrlCredentials('mail jdoe@example.com')).toBe('mail jdoe@example.com');
  });

  it('leaves a serialized log line valid JSON', () => {
    const line = JSON.stringify({ a: 'http://host', b: 'y@z', c: 'https://u:pw@h' });
    expect(JSON.parse(redactUrlCredentials(line))).toEqual({ a: 'http://host', b: 'y@z', c: 'https://u:***@h' });
  });

  it('recpipe config: OPENAI_BASE_URL and NOTION_BASE_URL passwords are redacted', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'https://gw:openai-pass@gateway.example/v1',
      NOTION_TOKEN: 'ntn_x',
      NOTION_DATABASE_ID: '0123456789abcdef0123456789abcdef',
      NOTION_BASE_URL: 'https://gw:notion-pass@gateway.example/notion',
    });
    const text = JSON.stringify(redactedConfig(config));
    expect(text).not.toMatch(/openai-pass|notion-pass/);
    expect(text).toContain('https://gw:***@gateway.example/v1');
    expect(text).toContain('https://gw:***@gateway.example/notion');
  });

  it('log lines: a URL password in a message, an error or a field never reaches the output', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (d: Buffer) => (written += d.toString()));
    const log = createLogger({ level: 'info', format: 'json', destination: out });
    const error = new Error('request to https://gw:err-pass@gateway.example/v1/audio failed');
    log.warn({ err: error, baseURL: 'https://gw:field-pass@gateway.example' }, 'calling https://gw:msg-pass@gateway.example');
    await new Promise((r) => setImmediate(r));
    expect(written).toContain('gw:***@gateway.example');
    expect(written).not.toMatch(/err-pass|field-pass|msg-pass/);
    expect(() => JSON.parse(written)).not.toThrow();
  });

  it('/ready bodies name the failing URL without its password', async () => {
    const readiness = new Readiness([
      { name: 'publish:notion', check: async () => Promise.reject(new Error('fetch failed: https://gw:ready-pass@gateway.example/notion')) },
    ]);
    const app = createHttpApp({ readiness, metrics: new Metrics({ defaultMetrics: false }) });
    const response = await app.request('/ready');
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain('https://gw:***@gateway.example/notion');
    expect(body).not.toContain('ready-pass');
  });
});
