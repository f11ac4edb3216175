import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, mkdtemp, open, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { SftpSettings } from '../../src/sftp/sftp-settings.ts';
import { descendantsOf, isAlive, killQuietly } from './process-tree.ts';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd'; // sshd re-executes itself and insists on an absolute path

export interface SshdOptions {
  /** Also allow password login with this password (the user gets a real crypt(3) hash). */
  password?: string;
  /** Host key type; `rsa` exercises rsa-sha2-256/512 against OpenSSH 9. Default `ed25519`. */
  hostKeyType?: 'ed25519' | 'rsa';
}

/** A throwaway OpenSSH sshd on 127.0.0.1 serving SFTP only, for one test file. */
export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  username: string;
  password?: string;
  /** ed25519 client key authorized for `username`. */
  privateKeyPath: string;
  /** `SHA256:…` exactly as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
  /** Local folder that is the user's SFTP start folder; remote paths equal local paths. */
  root: string;
  /** The server's work folder (config, keys, log). */
  dir: string;
  logPath: string;
  /** Settings for this server with key login and the pinned host key. */
  settings(overrides?: Partial<SftpSettings>): SftpSettings;
  /** Writes a file below `root` (folders created, owned by the SFTP user); returns its path. */
  put(relativePath: string, data: string | Buffer, options?: { mtimeMs?: number }): Promise<string>;
  /** Writes `bytes` random bytes below `root`; returns the path and the content's sha256. */
  putRandom(relativePath: string, bytes: number): Promise<{ path: string; sha256: string }>;
  /** SIGTERM the server and every session process, and wait until they are gone. */
  stop(): Promise<void>;
  /** SIGKILL the server and every session process (a crash: connections drop mid-transfer). */
  kill(): Promise<void>;
  /** SIGSTOP the server and its sessions: connections stay open but nothing answers (a hung server). */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Start again on the same port with the same keys. */
  restart(): Promise<void>;
  /** Stop and remove the work folder. */
  dispose(): Promise<void>;
}

const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) killQuietly(pid, 'SIGKILL');
});

/** Starts sshd following ../shared/reference/recipes/sftp-test-server.sh (root mode). */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'recpipe-sshd-'));
  try {
    return await setUp(dir, options);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function setUp(dir: string, options: SshdOptions): Promise<TestSshd> {
  await chmod(dir, 0o711); // the SFTP user must traverse to data/
  const root = join(dir, 'data');
  const username = options.password === undefined ? 'recpipe-sftp' : `recpipe-pw-${sha256(options.password).slice(0, 8)}`;
  const { uid, gid } = await ensureUser(username, options.password);
  await mkdir(root);
  await chown(root, uid, gid);

  const hostKey = join(dir, `host_${options.hostKeyType ?? 'ed25519'}_key`);
  const keyArgs = options.hostKeyType === 'rsa' ? ['-t', 'rsa', '-b', '3072'] : ['-t', 'ed25519'];
  const privateKeyPath = join(dir, 'client_ed25519');
  await Promise.all([
    run('ssh-keygen', ['-q', ...keyArgs, '-N', '', '-C', 'recpipe-test-host', '-f', hostKey]),
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'recpipe-test-client', '-f', privateKeyPath]),
  ]);
  const hostKeySha256 = (await run('ssh-keygen', ['-lf', `${hostKey}.pub`])).stdout.split(' ')[1] ?? '';
  await mkdir(join(dir, 'authorized_keys'));
  await copyFile(`${privateKeyPath}.pub`, join(dir, 'authorized_keys', username));
  await chmod(join(dir, 'authorized_keys', username), 0o644);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir, normally systemd's
  const logPath = join(dir, 'sshd.log');
  const configPath = join(dir, 'sshd_config');

  let port = 0;
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    await writeFile(configPath, sshdConfig({ port, dir, root, hostKey, username, password: options.password !== undefined }));
    const log = await open(logPath, 'a');
    try {
      child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', log.fd, log.fd] });
    } finally {
      await log.close();
    }
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    child.once('exit', () => pid !== undefined && running.delete(pid));
    await waitForListen(child, port, logPath);
  };
  const start = async (keepPort: boolean): Promise<void> => {
    // Another test file may grab the probed port before sshd binds it: probe again and retry.
    for (let attempt = 1; ; attempt += 1) {
      if (!keepPort) port = await freePort();
      try {
        return await launch();
      } catch (error) {
        if (attempt >= 5 || !/already in use/i.test(await readFile(logPath, 'utf8'))) throw error;
        await sleep(keepPort ? 300 : 20);
      }
    }
  };
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const listener = child;
    if (listener?.pid === undefined || listener.exitCode !== null || listener.signalCode !== null) return;
    const pids = [...descendantsOf(listener.pid), listener.pid];
    const exited = new Promise((resolve) => listener.once('exit', resolve));
    for (const pid of pids) killQuietly(pid, signal);
    for (const pid of pids) killQuietly(pid, 'SIGCONT'); // a frozen sshd cannot act on SIGTERM
    await Promise.race([exited, sleep(5000)]);
    for (const pid of pids) if (isAlive(pid)) killQuietly(pid, 'SIGKILL');
    for (let i = 0; i < 50 && pids.some(isAlive); i += 1) await sleep(20);
  };

  const signalAll = (signal: NodeJS.Signals): void => {
    const pid = child?.pid;
    if (pid !== undefined) for (const each of [pid, ...descendantsOf(pid)]) killQuietly(each, signal);
  };

  await start(false);

  const server: TestSshd = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    username,
    password: options.password,
    privateKeyPath,
    hostKeySha256,
    root,
    dir,
    logPath,
    settings: (overrides = {}) => ({
      host: '127.0.0.1',
      port,
      username,
      privateKeyPath,
      hostKeySha256,
      insecureAcceptAnyHostKey: false,
      remoteDir: root,
      minFileAgeMs: 0,
      afterSuccess: 'leave',
      parallelReads: false,
      timeoutMs: 10_000,
      ...overrides,
    }),
    async put(relativePath, data, putOptions = {}) {
      const file = join(root, relativePath);
      await ownedMkdir(root, dirname(file), uid, gid);
      await writeFile(file, data);
      await chown(file, uid, gid);
      if (putOptions.mtimeMs !== undefined) await utimes(file, putOptions.mtimeMs / 1000, putOptions.mtimeMs / 1000);
      return file;
    },
    async putRandom(relativePath, bytes) {
      const file = join(root, relativePath);
      await ownedMkdir(root, dirname(file), uid, gid);
      const hash = createHash('sha256');
      const handle = await open(file, 'w');
      try {
        const block = Buffer.allocUnsafe(4 * 1024 * 1024);
        for (let left = bytes; left > 0; left -= block.length) {
          const chunk = block.subarray(0, Math.min(block.length, left));
          randomFillSync(chunk);
          hash.update(chunk);
          await handle.write(chunk);
        }
      } finally {
        await handle.close();
      }
      await chown(file, uid, gid);
      return { path: file, sha256: hash.digest('hex') };
    },
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    async restart() {
      await terminate('SIGTERM');
      await start(true);
    },
    async dispose() {
      await terminate('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function sshdConfig(c: { port: number; dir: string; root: string; hostKey: string; username: string; password: boolean }): string {
  return `Port ${c.port}
ListenAddress 127.0.0.1
HostKey ${c.hostKey}
PidFile ${c.dir}/sshd.pid
AuthorizedKeysFile ${c.dir}/authorized_keys/%u
# StrictModes yes walks every parent of AuthorizedKeysFile and rejects /tmp (1777)
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication ${c.password ? 'yes' : 'no'}
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers ${c.username}
Subsystem sftp internal-sftp
ForceCommand internal-sftp -l INFO -d ${c.root}
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTTY no
PrintMotd no
MaxStartups 100
LogLevel VERBOSE
`;
}

/**
 * Creates the system user once (test files run in parallel, so creation can race). With
 * `UsePAM no` a root sshd refuses a locked account (`!` from useradd) even for key logins,
 * hence `*` (no password, not locked) or a real SHA-512 crypt hash for password login.
 */
async function ensureUser(username: string, password: string | undefined): Promise<{ uid: number; gid: number }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await run('id', ['-u', username]);
      break;
    } catch {
      try {
        await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', username]);
        break;
      } catch (error) {
        if (attempt >= 10) throw error; // another worker holds the passwd lock, or won the race
        await sleep(100 * attempt);
      }
    }
  }
  // A fixed salt keeps the hash identical across test files, so parallel usermods agree.
  const hash = password === undefined ? '*' : (await run('openssl', ['passwd', '-6', '-salt', 'recpipetest', password])).stdout.trim();
  const current = (await run('getent', ['shadow', username])).stdout.split(':')[1];
  if (current !== hash) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await run('usermod', ['-p', hash, username]);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(100 * attempt);
      }
    }
  }
  const uid = Number((await run('id', ['-u', username])).stdout.trim());
  const gid = Number((await run('id', ['-g', username])).stdout.trim());
  return { uid, gid };
}

async function ownedMkdir(root: string, folder: string, uid: number, gid: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  let current = root;
  for (const part of relative(root, folder).split(sep).filter(Boolean)) {
    current = join(current, part);
    await chown(current, uid, gid);
  }
}

async function waitForListen(child: ChildProcess, port: number, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}): ${await readFile(logPath, 'utf8')}`);
    }
    if (await accepts(port)) return;
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`sshd did not listen on ${port}: ${await readFile(logPath, 'utf8')}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
