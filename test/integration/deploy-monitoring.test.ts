import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';

const DEPLOY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy');


function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Names a scrape can answer to: each family from its TYPE line, histograms with their series suffixes. */
function namesIn(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = match;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** Every metric name a PromQL expression selects: identifiers that are not functions, keywords, labels or durations. */
function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings (label values, templates)
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges, $__rate_interval
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\w+/g, ' ');
  return [...stripped.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)\b(?!\s*\()/g)]
    .map((m) => m[1]!)
    .filter((word) => !PROMQL_WORDS.has(word.toLowerCase()) && !/^\d/.test(word));
}

describe('deploy/: alert rules, dashboard, compose, systemd', () => {
  let scrape: Set<string>;
  let dataDir: string;
  let service: RecpipeService | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'recpipe-deploy-'));
    const port = await freePort();
    service = await RecpipeService.start({ OPENAI_API_KEY: 'sk-x', DATA_DIR: dataDir, HTTP_PORT: String(port), WATCH_INBOX: 'false' }, dataDir);
    scrape = namesIn(await (await fetch(`${service.baseUrl}/metrics`)).text());
  });

  afterAll(async () => {
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the metric-name extractor finds names and nothing else', () => {
    expect(
      metricNamesOf('histogram_quantile(0.95, sum by (le, stage) (rate(stage_duration_seconds_bucket{job=~"$job", x="a b"}[$__rate_interval])))'),
    ).toEqual(['stage_duration_seconds_bucket']);
    expect(metricNamesOf('time() - max(x_seconds) > 5 * 1024 unless on (a) y_total offset 5m')).toEqual(['x_seconds', 'y_total']);
  });

  it('the scrape has the new gauges the rules use', () => {
    expect(scrape.has('data_dir_free_bytes')).toBe(true);
    expect(scrape.has('recording_failures_total')).toBe(true);
  });

  it('promtool check rules and promtool test rules pass', async () => {
    const check = await run('promtool', ['check', 'rules', 'recpipe-alerts.yml'], path.join(DEPLOY, 'prometheus'));
    expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.code).toBe(0);
    const test = await run('promtool', ['test', 'rules', 'recpipe-alerts.test.yml'], path.join(DEPLOY, 'prometheus'));
    expect(test.output).toContain('SUCCESS');
    expect(test.code).toBe(0);
  });

  it('every rule covered by a unit test, and every rule uses only real metric names', async () => {
    const rules = await readFile(path.join(DEPLOY, 'prometheus/recpipe-alerts.yml'), 'utf8');
    const tests = await readFile(path.join(DEPLOY, 'prometheus/recpipe-alerts.test.yml'), 'utf8');
    const alerts = [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]!);
    expect(alerts).toEqual(expect.arrayContaining(['RecpipeNotReady', 'RecpipeFailuresRising', 'RecpipeBacklogOld', 'RecpipeSourceDown', 'RecpipeDiskLow']));
    for (const alert of alerts) expect(tests, `no promtool test for ${alert}`).toMatch(new RegExp(`alertname: ${alert}\\n[\\s\\S]*?exp_alerts:\\n\\s+- exp_labels`));
    // block scalars (`expr: |`) and one-line expressions
    const exprs = [...rules.matchAll(/expr: \|\n((?: {10}.*\n)+)|expr: (.+)\n/g)].map((m) => (m[1] ?? m[2]!).trim());
    expect(exprs).toHaveLength(alerts.length);
    for (const expr of exprs) for (const name of metricNamesOf(expr)) expect(name === 'up' || scrape.has(name), `${name} in ${expr}`).toBe(true);
  });

  it('the Grafana dashboard is valid JSON whose every query names real metrics', async () => {
    const dashboard = JSON.parse(await readFile(path.join(DEPLOY, 'grafana/recpipe-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe('recpipe');
    const queries = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queries.length).toBeGreaterThan(15);
    const known = scrape;
    const used = new Set<string>();
    for (const panel of queries) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        const names = metricNamesOf(expr);
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) {
          expect(known.has(name), `${panel.title}: unknown metric ${name}`).toBe(true);
          used.add(name);
        }
      }
    }
    // what the issue asks to see: throughput, failures by stage, latency, queue age, retries, SFTP, Notion, disk
    for (const name of ['files_processed_total', 'recording_failures_total', 'transcription_duration_seconds_bucket', 'oldest_pending_recording_age_seconds', 'retries_total', 'active_sftp_connections', 'source_polls_total', 'notion_api_duration_seconds_bucket', 'data_dir_free_bytes', 'pipeline_paused', 'sftp_poll_duration_seconds_bucket', 'ledger_pool_connections']) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('docker-compose mounts files that exist and provisions the dashboard', async () => {
    const compose = await readFile(path.join(DEPLOY, 'docker-compose.yml'), 'utf8');
    const mounts = [...compose.matchAll(/- (\.\/[\w./-]+):/g)].map((m) => m[1]!);
    expect(mounts).toEqual(expect.arrayContaining(['./prometheus/recpipe-alerts.yml', './grafana/recpipe-dashboard.json', './grafana/provisioning']));
    for (const mount of mounts) expect(existsSync(path.join(DEPLOY, mount)), mount).toBe(true);
    const provider = await readFile(path.join(DEPLOY, 'grafana/provisioning/dashboards/recpipe.yml'), 'utf8');
    expect(compose).toContain(`/recpipe-dashboard.json:${/path: (\S+)/.exec(provider)![1]}/recpipe-dashboard.json`);
  });

  it('the systemd unit runs node directly and passes systemd-analyze verify', async () => {
    const unit = await readFile(path.join(DEPLOY, 'systemd/recpipe.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \S+\/bin\/recpipe\.js start$/m);
    expect(unit).not.toMatch(/^ExecStart=.*npm/m);
    if (!existsSync('/usr/bin/systemd-analyze')) return;
    const verify = await run('systemd-analyze', ['verify', path.join(DEPLOY, 'systemd/recpipe.service')], DEPLOY);
    // a host without the recpipe user or /usr/bin/node says so; nothing else may be wrong
    const problems = verify.output.split('\n').filter((l) => l.trim() && !/recpipe\.js|\/usr\/bin\/node|User=|Group=|recpipe\.env/.test(l));
    expect(problems).toEqual([]);
  });
});
