import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';

const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');

describe('.env.example', () => {
  it('every example line, uncommented, parses to the value it shows (quotes where # or spaces need them)', () => {
    const examples = lines.filter((line) => /^#? ?[A-Z][A-Z0-9_]*=/.test(line)).map((line) => line.replace(/^# ?/, ''));
    expect(examples.length).toBeGreaterThan(30);
    for (const line of examples) {
      const [name, ...rest] = line.split('=');
      const shown = rest.join('=');
      // what a reader sees: the text before the aligned comment, without its quotes
      const intended = shown.replace(/\s{2,}#.*$|\s+# .*$/, '').trim().replace(/^"(.*)"$/, '$1');
      const parsed = parseEnv(line)[name!] ?? '';
      expect({ name, value: parsed }).toEqual({ name, value: intended });
    }
  });

  it('the Slack channel example keeps its #', () => {
    const line = lines.find((l) => l.includes('SLACK_CHANNEL='))!.replace(/^# ?/, '');
    expect(parseEnv(line).SLACK_CHANNEL).toBe('#call-transcripts');
  });
});
