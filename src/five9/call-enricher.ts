import type { Five9Config } from '../config/five9-config.ts';
import type { ClaimedFile } from '../recording.ts';
import type { Enrichment } from './enrichment.ts';
import { parseNamePattern } from './name-pattern.ts';
import { parseFive9Path } from './parse-five9-path.ts';

/**
 * The enrich stage: Five9 call metadata from the recording's path (name + day folder), the
 * operator's attention when the name matches no known shape, and the IVR-leg policy.
 */
export function buildCallEnricher(five9: Five9Config): (file: ClaimedFile) => Enrichment {
  const patterns = five9.namePattern ? [parseNamePattern(five9.namePattern)] : [];
  return (file) => {
    const { call, needsAttention } = parseFive9Path(file.relativePath, { timeZone: five9.timeZone, patterns });
    const skip = five9.ivrLegs === 'skip' && call.leg === 'ivr' ? 'IVR leg (FIVE9_IVR_LEGS=skip)' : undefined;
    return { call, ...(needsAttention ? { attention: needsAttention } : {}), ...(skip ? { skip } : {}) };
  };
}
