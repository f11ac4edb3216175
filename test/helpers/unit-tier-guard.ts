// Setup file of the unit project (vitest.config.ts): the fast tier starts no child process and
// opens no port, so a test that tries fails at once, saying where it belongs.
import childProcess from 'node:child_process';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const refuse = (what: string) => () => {
  throw new Error(`the unit tier starts no ${what}: move this test to test/integration/`);
};

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.assign(childProcess, { [name]: refuse(`child process (child_process.${name})`) });
}
net.Server.prototype.listen = refuse('network listener (use app.request())') as unknown as typeof net.Server.prototype.listen;
// named imports (`import { spawn } from 'node:child_process'`) see the replacements too
syncBuiltinESMExports();
