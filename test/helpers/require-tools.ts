import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import { canEncode, executableProblem, findExecutable, resolveAudioTool } from '../../src/audio/audio-tools.ts';

/** System tools some tests need, each with the Debian package that brings it (`npm run setup` installs them). */
const TOOLS = {
  /** OpenSSH's server, run by test/helpers/sshd.ts (absolute path: sshd re-executes itself). */
  sshd: { package: 'openssh-server', found: () => executableProblem('/usr/sbin/sshd') === undefined },
  /** Keys and fingerprints for the SFTP tests (a dependency of openssh-server). */
  'ssh-keygen': { package: 'openssh-client', found: () => findExecutable('ssh-keygen') !== undefined },
  /** Password hashes for the SFTP test user. */
  openssl: { package: 'openssl', found: () => findExecutable('openssl') !== undefined },
  /** `promtool check metrics` on /metrics. */
  promtool: { package: 'prometheus', found: () => findExecutable('promtool') !== undefined },
  /** A PostgreSQL server for the shared-ledger tests (test/helpers/postgres.ts starts a throwaway cluster). */
  postgres: {
    package: 'postgresql',
    found: () => {
      const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
      return versions.some((v) => executableProblem(`/usr/lib/postgresql/${v}/bin/postgres`) === undefined);
    },
  },
  /** Debian's Chromium, driven headless by playwright-core in the console's browser test. */
  chromium: { package: 'chromium', found: () => executableProblem('/usr/bin/chromium') === undefined },
  /** An ffmpeg that encodes GSM 6.10 (libgsm): Debian's; the npm-shipped build has no libgsm. */
  'gsm-encoder': { package: 'ffmpeg', found: async () => canEncode('gsm_ms', resolveAudioTool('ffmpeg').path).catch(() => false) },
} satisfies Record<string, { package: string; found: () => boolean | Promise<boolean> }>;

export type SystemTool = keyof typeof TOOLS;

type Body = () => void | Promise<void>;

/** `describe` and `it` for tests that need system tools. */
export interface ToolGuard {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: Body, timeoutMs?: number) => void;
  /** Why the tests are skipped, or undefined when every tool is there. */
  missing?: string;
}

/**
 * Guards tests that need system tools: when one is missing they are skipped with the reason in
 * their name, except under `CI=true`, where this throws so the test file fails (CI never passes
 * by skipping). Use at module level: `const tools = await requireTools('sshd', 'openssl')`.
 */
export async function requireTools(...tools: SystemTool[]): Promise<ToolGuard> {
  const absent: SystemTool[] = [];
  for (const tool of tools) if (!(await TOOLS[tool].found())) absent.push(tool);
  if (absent.length === 0) return { describe: (name, body) => describe(name, body), it: (name, body, timeoutMs) => it(name, body, timeoutMs) };

  const packages = [...new Set(absent.map((tool) => TOOLS[tool].package))].join(' ');
  const missing = `missing ${absent.join(', ')} (apt-get install ${packages}, or npm run setup)`;
  if (isCi()) throw new Error(`CI=true and ${missing}: CI must not pass by skipping`);
  return {
    // the body is not even collected: collecting can call the missing tool (keys made at describe level)
    describe: (name) => describe.skip(`${name} [skipped: ${missing}]`, () => it.skip('its tests were not collected', () => undefined)),
    it: (name, body) => it.skip(`${name} [skipped: ${missing}]`, body),
    missing,
  };
}

function isCi(): boolean {
  const value = process.env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
