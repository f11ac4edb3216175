#!/usr/bin/env node
// The `recpipe` command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
// leave no watcher or keep-alive socket holding the process open once the command is done
process.exit(code);
