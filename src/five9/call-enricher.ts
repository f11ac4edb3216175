import type { Config } from '../config.ts';
import type { Enrichment } from '../pipeline/process-recording.ts';
import type { ClaimedFile } from '../recording.ts';

// replaced by the Five9 name parser once it lands
export function buildCallEnricher(_five9: Config['five9']): (file: ClaimedFile) => Enrichment {
  return () => ({ call: {} });
}
