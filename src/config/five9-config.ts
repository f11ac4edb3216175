import { z } from 'zod';
import { parseNamePattern } from '../five9/name-pattern.ts';
import { envText, problem } from './env-value.ts';

const isIanaZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** How Five9 names are read (time zone, the operator's own pattern), the IVR-leg policy, the agent's channel. */
export const five9Config = z
  .object({
    FIVE9_TIMEZONE: z.string().refine(isIanaZone, 'must be an IANA time zone such as America/New_York').default('UTC'),
    FIVE9_NAME_PATTERN: envText,
    FIVE9_IVR_LEGS: z.enum(['transcribe', 'skip']).default('transcribe'),
    AGENT_CHANNEL: z.enum(['none', 'left', 'right']).default('none'),
  })
  .superRefine((e, ctx) => {
    if (!e.FIVE9_NAME_PATTERN) return;
    try {
      parseNamePattern(e.FIVE9_NAME_PATTERN);
    } catch (error) {
      // the parser's messages may already start with the variable's name
      problem(ctx, 'FIVE9_NAME_PATTERN', (error as Error).message.replace(/^FIVE9_NAME_PATTERN:\s*/, ''));
    }
  })
  .transform((e) => ({
    timeZone: e.FIVE9_TIMEZONE,
    namePattern: e.FIVE9_NAME_PATTERN,
    ivrLegs: e.FIVE9_IVR_LEGS,
    agentChannel: e.AGENT_CHANNEL,
  }));

export type Five9Config = z.output<typeof five9Config>;
