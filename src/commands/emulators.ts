/** What `src/emulators/emulators-command.ts` exports (declared here: production code does not import emulators). */
interface EmulatorsModule {
  emulatorsCommand(ports: { openai?: number; notion?: number; slack?: number }, stop: AbortSignal): Promise<number>;
}

// A computed specifier: the emulators are development tools, absent from the production image,
// so nothing may load them statically. Same extension as this module: .ts from the sources, .js
// from the compiled build.
const MODULE = new URL(`../emulators/emulators-command${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url);

/** `recpipe emulators [--openai-port N] [--notion-port N] [--slack-port N]`: runs until SIGINT/SIGTERM. */
export async function emulatorsCli(
  flags: { openaiPort?: string; notionPort?: string; slackPort?: string },
  /** where the command's module is; tests point it at a missing file to play the production image */
  moduleUrl: URL = MODULE,
): Promise<number> {
  const ports: Record<string, number | undefined> = {};
  for (const [name, value] of [['openai', flags.openaiPort], ['notion', flags.notionPort], ['slack', flags.slackPort]] as const) {
    if (value === undefined) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      console.error(`recpipe emulators: --${name}-port must be a port number (0 to 65535), got "${value}"`);
      return 2;
    }
    ports[name] = port;
  }
  let module: EmulatorsModule;
  try {
    module = (await import(moduleUrl.href)) as EmulatorsModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.error(
      'recpipe emulators: the emulators are not part of this installation (the production image leaves them out); ' +
        'run it from a checkout of the source with its dev dependencies: `npx recpipe emulators`',
    );
    return 1;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await module.emulatorsCommand(ports, stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
