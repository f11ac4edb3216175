import type { CallMetadata } from '../recording.ts';

/** What the file name says about the call, and whether to transcribe it at all. */
export interface Enrichment {
  call: CallMetadata;
  /** Set when an operator should look (e.g. a name that matches no known shape). */
  attention?: string;
  /** Set when the recording must not be transcribed (e.g. FIVE9_IVR_LEGS=skip). */
  skip?: string;
}
