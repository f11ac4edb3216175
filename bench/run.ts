/**
 * `npm run bench [-- name…]`: runs the benchmarks side by side with their baselines and prints
 * ratios. Benchmarks measure; tests check behaviour. Names: see BENCHES below.
 */
import { billingRatio } from './billing.ts';
import { memoryBench } from './memory.ts';
import { instancesBench } from './instances.ts';
import { notionBench } from './notion.ts';
import { pipelineThroughput } from './pipeline-throughput.ts';
import { redactionBench } from './redaction.ts';
import { sftpBench } from './sftp.ts';

type Bench = () => Promise<void>;

const BENCHES: Record<string, Bench> = {
  pipeline: pipelineThroughput,
  sftp: sftpBench,
  notion: notionBench,
  billing: billingRatio,
  redaction: redactionBench,
  memory: memoryBench,
  instances: instancesBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  console.log(`\n== ${name}`);
  await BENCHES[name]!();
}
process.exit(0);
