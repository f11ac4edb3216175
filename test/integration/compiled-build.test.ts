import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { COMPILED, imageFiles, ROOT } from '../helpers/image-files.ts';
import { runRecpipeAt, runToEnd } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';

// The production image's layout, built the way its Dockerfile builds it (the sources minus
// .dockerignore, `npm run build`), then run: `recpipe` must work from dist/ alone, with no
// TypeScript source next to it. And from a checkout, the entry point must never run a build
// older than the sources.

let root: string;
let app: string;
const emulator = createOpenAiEmulator({ apiKey: 'sk-test' });
let openai: RunningOpenAiEmulator;
const bin = () => path.join(app, 'bin/recpipe.js');

async function build(cwd: string): Promise<void> {
  const tsc = await runToEnd(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], process.env, cwd);
  if (tsc.code !== 0) throw new Error(`npm run build (tsc) exited ${tsc.code}: ${tsc.stdout}${tsc.stderr}`);
}

/** package.json, bin/, the tsconfigs, node_modules (linked) and the image's sources, built. */
async function layout(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) await cp(path.join(ROOT, file), path.join(dir, file));
  await cp(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  for (const file of imageFiles()) await cp(path.join(ROOT, file), path.join(dir, file), { recursive: true });
  await build(dir);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'recpipe-compiled-'));
  openai = await emulator.start();
  app = await layout('image');
  // the image holds no TypeScript source: only dist/, bin/ and package.json
  for (const dir of COMPILED) await rm(path.join(app, dir), { recursive: true, force: true });
});

afterAll(async () => {
  await openai?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the compiled build, laid out as in the production image', () => {
  it('prints the version from the package.json beside it', async () => {
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runRecpipeAt(bin(), ['version'], {}, root);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it('processes a recording end to end (`run --once`), loading no SDK of an integration it is not configured for', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true, mode: 0o700 });
    await writeTestAudio(path.join(dataDir, 'inbox', 'call.wav'), { seconds: 3, seed: 5 });
    // lists, as the process exits, the npm packages it loaded (the SDKs are CommonJS)
    const loadedFile = path.join(root, 'loaded.json');
    const probe = path.join(root, 'loaded-probe.mjs');
    await writeFile(
      probe,
      `import { createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nconst require = createRequire(import.meta.url);\n` +
        `process.once('exit', () => writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const env = { DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, WATCH_INBOX: 'false', INBOX_STABLE_MS: '0', NODE_OPTIONS: `--import=${probe}` };
    const result = await runRecpipeAt(bin(), ['run', '--once'], env, root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/1 done, 0 failed/);
    expect((await readdir(path.join(dataDir, 'transcripts'))).filter((file) => file.endsWith('.json'))).toHaveLength(1);
    const packages = new Set((JSON.parse(await readFile(loadedFile, 'utf8')) as string[]).map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1]));
    expect(packages.has('better-sqlite3')).toBe(true);
    for (const sdk of ['ssh2-sftp-client', 'ssh2', '@notionhq/client', '@slack/web-api', 'pg']) expect(packages.has(sdk), sdk).toBe(false);
  });

  it('says the emulators are not installed (the image leaves them out)', async () => {
    const result = await runRecpipeAt(bin(), ['emulators'], {}, root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the emulators are not part of this installation/);
  });
});

describe('which code a checkout runs', () => {
  let checkout: string;
  beforeAll(async () => {
    checkout = await layout('checkout');
    // a build that announces itself: the entry point ran dist/ if this is printed
    const cli = path.join(checkout, 'dist/src/cli.js');
    await writeFile(cli, `process.stderr.write('compiled build ran\\n');\n${await readFile(cli, 'utf8')}`);
  });

  it('runs the build when it is as new as the sources', async () => {
    const result = await runRecpipeAt(path.join(checkout, 'bin/recpipe.js'), ['version'], {}, root);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('compiled build ran\n');
  });

  it('runs the sources through tsx once a source is newer than the build, and RECPIPE_RUNTIME forces either', async () => {
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(checkout, 'src/config.ts'), later, later);
    const edited = await runRecpipeAt(path.join(checkout, 'bin/recpipe.js'), ['version'], {}, root);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toBe('');
    const forced = await runRecpipeAt(path.join(checkout, 'bin/recpipe.js'), ['version'], { RECPIPE_RUNTIME: 'dist' }, root);
    expect(forced.stderr).toBe('compiled build ran\n');
    const bad = await runRecpipeAt(path.join(checkout, 'bin/recpipe.js'), ['version'], { RECPIPE_RUNTIME: 'fast' }, root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RECPIPE_RUNTIME must be "dist" or "tsx"/);
  });

  it('says to build when RECPIPE_RUNTIME=dist finds no build', async () => {
    await rm(path.join(checkout, 'dist'), { recursive: true, force: true });
    const result = await runRecpipeAt(path.join(checkout, 'bin/recpipe.js'), ['version'], { RECPIPE_RUNTIME: 'dist' }, root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no compiled build .*npm run build/);
  });
});
