import { createOpenAiEmulator } from './openai-emulator.ts';

/**
 * Runs the OpenAI transcription emulator by hand:
 *   node --import tsx src/emulators/openai-emulator-main.ts [port]
 * then point the service at it with OPENAI_BASE_URL=<printed URL> OPENAI_API_KEY=<key>.
 * The accepted key is `sk-test`, or OPENAI_EMULATOR_API_KEY when set.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const port = argv[0] === undefined ? 0 : Number(argv[0]);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`usage: openai-emulator-main.ts [port]  (got "${argv[0]}")\n`);
    process.exitCode = 2;
    return;
  }
  const apiKey = process.env['OPENAI_EMULATOR_API_KEY'] ?? 'sk-test';
  const emulator = createOpenAiEmulator({ apiKey });
  const running = await emulator.start({ port });
  process.stdout.write(`${running.url}\n`);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
