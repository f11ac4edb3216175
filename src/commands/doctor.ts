import { mkdir, access, constants } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { SqliteLedger } from '../ledger/sqlite-ledger.ts';
import { mediaToolPath, runMediaProcess } from '../audio/ffmpeg-process.ts';
import { checkOpenAi } from '../transcribe/openai-check.ts';
import { audioRedactionStatus } from './audio-redaction-status.ts';
import { checkIntegrations } from './doctor-integrations.ts';

/** One line of the doctor's report. */
export interface DoctorLine {
  part: string;
  ok: boolean;
  detail: string;
}

/** `recpipe doctor [--fix]`: checks every configured part, one line each; exit 1 if any failed. */
export async function runDoctor(config: Config, options: { fix: boolean }): Promise<number> {
  const lines: DoctorLine[] = [];
  const check = async (part: string, work: () => Promise<string>) => {
    try {
      lines.push({ part, ok: true, detail: await work() });
    } catch (error) {
      lines.push({ part, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
    const line = lines.at(-1)!;
    console.log(`${line.ok ? 'ok  ' : 'FAIL'}  ${line.part.padEnd(10)} ${line.detail}`);
  };

  await check('data dir', async () => {
    await mkdir(config.paths.dataDir, { recursive: true });
    await access(config.paths.dataDir, constants.W_OK);
    return `${config.paths.dataDir} is writable`;
  });
  await check('ledger', async () => {
    const ledger = new SqliteLedger(config.paths.sqlitePath);
    try {
      const status = await ledger.status();
      const total = Object.values(status.counts).reduce((a, b) => a + b, 0);
      return `${config.paths.sqlitePath} (${total} recordings)`;
    } finally {
      await ledger.close();
    }
  });
  for (const tool of ['ffmpeg', 'ffprobe'] as const) {
    await check(tool, async () => {
      const result = await runMediaProcess(tool, mediaToolPath(tool), ['-hide_banner', '-version']);
      if (result.exitCode !== 0) throw new Error(`${tool} -version exited with ${result.exitCode}`);
      return result.stdout.split('\n')[0] ?? tool;
    });
  }
  await check('openai', () => checkOpenAi(config.openai));
  await check('audio', () => audioRedactionStatus(config));
  await checkIntegrations(config, options, check);
  return lines.every((l) => l.ok) ? 0 : 1;
}
