import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';

// test/helpers/unit-tier-guard.ts is this project's setup file: the fast tier cannot grow slow parts by accident
describe('the unit tier guard', () => {
  it('refuses child processes, however imported', async () => {
    expect(() => spawn('ffmpeg', ['-version'])).toThrow('the unit tier starts no child process');
    expect(() => execFile('ssh-keygen', ['-l'])).toThrow('move this test to test/integration/');
    const cp = await import('node:child_process');
    expect(() => cp.default.execFileSync('true')).toThrow('the unit tier starts no child process');
  });

  it('refuses to listen on a port (HTTP handlers are tested with app.request())', () => {
    expect(() => createServer().listen(0, '127.0.0.1')).toThrow('the unit tier starts no network listener');
  });
});
