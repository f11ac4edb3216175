import { mkdir, access, constants } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { checkPostgres } from '../ledger/pg-doctor.ts';
import { SqliteLedger } from '../ledger/sqlite-ledger.ts';
import { canEncode, describeSource, resolveAudioTool, toolVersion, type MediaTool } from '../audio/audio-tools.ts';
import { checkOpenAi } from '../transcribe/openai-check.ts';
import { audioRedactionStatus } from './audio-redaction-status.ts';
import { checkIntegrations } from './doctor-integrations.ts';
import { redactUrlCredentials } from '../observability/redact-url-credentials.ts';

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
      lines.push({ part, ok: true, detail: redactUrlCredentials(await work()) });
    } catch (error) {
      lines.push({ part, ok: false, detail: redactUrlCredentials(error instanceof Error ? error.message : String(error)) });
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
    if (config.databaseUrl) return checkPostgres(config.databaseUrl);
    const ledger = new SqliteLedger(config.paths.sqlitePath);
    try {
      const status = await ledger.status();
      const total = Object.values(status.counts).reduce((a, b) => a + b, 0);
      return `${config.paths.sqlitePath} (${total} recordings)`;
    } finally {
      await ledger.close();
    }
  });
  for (const tool of ['ffmpeg', 'ffprobe'] as const) await check(tool, () => describeAudioTool(tool));
  await check('openai', () => checkOpenAi(config.openai));
  await check('audio', () => audioRedactionStatus(config));
  await checkIntegrations(config, options, check);
  return lines.every((l) => l.ok) ? 0 : 1;
}

/** `system /usr/bin/ffmpeg 5.1.8-0+deb12u1`, plus what this build cannot do that the service would ask of it. */
async function describeAudioTool(tool: MediaTool): Promise<string> {
  const found = resolveAudioTool(tool);
  const versionLine = await toolVersion(found.path);
  let version = /version (\S+)/.exec(versionLine)?.[1] ?? versionLine;
  // static builds are named by commit (N-47683-g0e8eb07980-static): the copyright year dates them
  const year = /\(c\) \d{4}-(\d{4})/.exec(versionLine)?.[1];
  if (version.startsWith('N-') && year !== undefined) version += ` (${year})`;
  const line = `${describeSource(found.source)} ${found.path} ${version}`;
  if (tool === 'ffmpeg' && !(await canEncode('gsm_ms', found.path))) return `${line} (no GSM encoder: a mono GSM WAV is still muted in place; beeped or stereo GSM audio is kept as FLAC)`;
  return line;
}
