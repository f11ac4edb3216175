#!/usr/bin/env node
// The `recpipe` command. It runs the compiled JavaScript in dist/ (`npm run build`; the production
// image ships only that): about 50 MB less memory than the TypeScript sources through tsx, whose
// loader thread and transform cache stay resident. From a checkout whose sources changed since
// the last build it runs the sources through tsx instead, so an edit is never shadowed by a
// stale build. RECPIPE_RUNTIME=dist or =tsx forces one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// V8 sized for memory, not speed: the service's JavaScript is light (the audio work runs in
// ffmpeg, the waits are on the network). Left to size for throughput, V8 grew the young
// generation to 16 MB and more and let each upload's already-sent 64 KiB read buffers pile up to
// the chunk's size before a collection freed them. Set here, before anything is loaded, so every
// way of starting recpipe (npx, npm start, the image, systemd) runs the same. Measured on a
// 2-hour stereo call (`npm run bench -- memory`): peak RSS 181 MB -> 127 MB, same run time.
v8.setFlagsFromString('--optimize-for-size');
v8.setFlagsFromString('--semi-space-growth-factor=1');

const root = fileURLToPath(new URL('../', import.meta.url));
const compiled = new URL('../dist/src/cli.js', import.meta.url);

/** The newest modification time of the TypeScript sources, or 0 where there are none (the image). */
function newestSource() {
  let newest = 0;
  for (const dir of ['src', 'streams']) {
    if (!existsSync(root + dir)) continue;
    for (const entry of readdirSync(root + dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && /\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

function runtime() {
  const forced = process.env.RECPIPE_RUNTIME;
  if (forced === 'dist' || forced === 'tsx') return forced;
  if (forced) fail(`RECPIPE_RUNTIME must be "dist" or "tsx", got "${forced}"`);
  const built = existsSync(compiled) ? statSync(compiled).mtimeMs : -1;
  return built >= newestSource() ? 'dist' : 'tsx';
}

function fail(message) {
  process.stderr.write(`recpipe: ${message}\n`);
  process.exit(2);
}

let cli;
if (runtime() === 'dist') {
  if (!existsSync(compiled)) fail('there is no compiled build (dist/src/cli.js): run `npm run build`');
  cli = compiled.href;
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    fail('the compiled build in dist/ is missing or older than the sources, and tsx (a dev dependency) is not installed: run `npm run build`');
  }
  cli = new URL('../src/cli.ts', import.meta.url).href;
}
const { main } = await import(cli);
const code = await main(process.argv.slice(2));
// leave no watcher or keep-alive socket holding the process open once the command is done
process.exit(code);
