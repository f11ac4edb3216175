import { spawn } from 'node:child_process';

export interface PromtoolResult {
  code: number | null;
  output: string;
  /** Lint problems other than prom-client's default nodejs_* names, which promtool always flags. */
  problems: string[];
}

/** Runs `promtool check metrics` on an exposition; exit 3 means lint problems only. */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const problems = output
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !/^nodejs_\w+ non-counter metrics should not have "_total" suffix$/.test(l));
      resolve({ code, output, problems });
    });
    child.stdin.end(exposition);
  });
}
