import { parseArgs } from 'node:util';
import { ConfigError, environmentWithDotEnv, loadConfig, redactedConfig, type Config } from './config.ts';
import { audioToolsInUse } from './audio/audio-tools.ts';
import type { Ledger } from './ledger/ledger.ts';
import { openLedgerOrReason } from './ledger/open-ledger.ts';
import { packageVersion } from './commands/version.ts';
import { emulatorsCli } from './commands/emulators.ts';
import { operatorErrorLine } from './commands/operator-error-line.ts';
import { redactUrlCredentials } from './observability/redact-url-credentials.ts';

const USAGE = `usage: recpipe <command> [options]

commands:
  start                     run until SIGTERM/SIGINT: watch sources, process, serve /health /ready /metrics
  run --once                one discovery pass of every source, process all found, exit 0 (1 if any failed)
  status [--json]           counts per state and the latest failures with their reasons
  retry <id>... | --failed  put failed recordings back to pending (id = recording id or ledger #)
  doctor [--fix]            check each configured part, one line each; --fix sets up the Notion database
  config                    print the effective configuration with secrets redacted
  emulators [--openai-port N] [--notion-port N] [--slack-port N]
                            start OpenAI, Notion and Slack emulators on loopback; print the env lines to use them
  purge [--dry-run]         delete audio and transcripts older than RETENTION_DAYS / TRANSCRIPT_RETENTION_DAYS
  erase --caller NUMBER     remove one caller's transcripts, audio and Notion pages (privacy request)
  --version, -v             print the version

Configuration comes from the environment and a .env file in the working directory (see README).`;

/** Runs one CLI command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // everything written under DATA_DIR (ledger, transcripts, audio, ffmpeg's work files) is owner-only
  process.umask(0o077);
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(packageVersion());
    return 0;
  }
  let args;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        once: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        failed: { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        caller: { type: 'string' },
        'openai-port': { type: 'string' },
        'notion-port': { type: 'string' },
        'slack-port': { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`recpipe ${command}: ${(error as Error).message}`);
    return 2;
  }

  // needs no configuration: it makes the services a configuration points at
  if (command === 'emulators') {
    return emulatorsCli({ openaiPort: args.values['openai-port'], notionPort: args.values['notion-port'], slackPort: args.values['slack-port'] });
  }

  let config: Config;
  try {
    config = loadConfig(readEnvironment(), {
      isTTY: process.stdout.isTTY === true,
      transcribes: command === 'start' || command === 'run' || command === 'doctor',
      sftpPinOptional: command === 'doctor',
      serves: command === 'start',
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error('recpipe: bad configuration');
      for (const problem of error.problems) console.error(`  ${redactUrlCredentials(problem)}`);
      return 2;
    }
    throw error;
  }

  // every ffmpeg spawn resolves its binary from process.env: a path set only in .env must reach them
  if (config.audioTools.ffmpegPath) process.env.FFMPEG_PATH = config.audioTools.ffmpegPath;
  if (config.audioTools.ffprobePath) process.env.FFPROBE_PATH = config.audioTools.ffprobePath;

  try {
    return await runCommand(command, args, config);
  } catch (error) {
    const line = operatorErrorLine(error, config);
    if (line === undefined) throw error;
    console.error(redactUrlCredentials(line));
    return 2;
  }
}

// Each command's module is loaded when it runs: a processor never loads what only `doctor`,
// `purge` or `erase` use (the SDKs of integrations it is not configured for among them).
async function runCommand(command: string, args: { values: { once?: boolean; json?: boolean; failed?: boolean; fix?: boolean; 'dry-run'?: boolean; caller?: string }; positionals: string[] }, config: Config): Promise<number> {
  switch (command) {
    case 'start':
      return (await import('./commands/start.ts')).startCommand(config);
    case 'run':
      if (!args.values.once) {
        console.error('recpipe run: only `run --once` exists; use `recpipe start` to keep running');
        return 2;
      }
      return (await import('./commands/run-once.ts')).runOnceCommand(config);
    case 'status':
      return withLedger(config, async (ledger) => (await import('./commands/status.ts')).statusCommand(ledger, { json: args.values.json === true }));
    case 'retry':
      return withLedger(config, async (ledger) => (await import('./commands/retry.ts')).retryCommand(ledger, config, { ids: args.positionals, failed: args.values.failed === true }));
    case 'doctor':
      return (await import('./commands/doctor.ts')).runDoctor(config, { fix: args.values.fix === true });
    case 'purge':
      return (await import('./commands/purge.ts')).purgeCommand(config, { dryRun: args.values['dry-run'] === true });
    case 'erase':
      return withLedger(config, async (ledger) => (await import('./commands/erase.ts')).eraseCommand(ledger, config, { caller: args.values.caller }));
    case 'config':
      console.log(JSON.stringify({ ...(redactedConfig(config) as object), audioToolsInUse: audioToolsInUse() }, null, 2));
      return 0;
    default:
      console.error(`recpipe: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** The environment plus `.env`; an unreadable `.env` is a ConfigError, not a stack trace. */
function readEnvironment(): NodeJS.ProcessEnv {
  try {
    return environmentWithDotEnv();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ConfigError([`.env: cannot read ${e.path ?? '.env'} (${e.code ?? e.message}); fix its permissions or remove it`]);
  }
}

async function withLedger(config: Config, work: (ledger: Ledger) => Promise<number>): Promise<number> {
  const ledger = await openLedgerOrReason(config, 'reader');
  if (ledger instanceof Error) {
    console.error(`recpipe: ledger: ${ledger.message}`);
    return 1;
  }
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}
