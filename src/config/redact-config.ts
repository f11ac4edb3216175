import { z } from 'zod';
import type { RedactKind } from '../redact/redact-kinds.ts';

/** REDACT: the kinds masked before anything is stored or sent (`none` turns redaction off). */
export const redactConfig = z
  .object({
    REDACT: z
      .string()
      .default('pci,ssn')
      .transform((v) => v.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean))
      .pipe(
        z.union([
          z.tuple([z.literal('none')]).transform(() => [] as RedactKind[]),
          z.array(z.enum(['pci', 'ssn', 'phone', 'email'], 'must be a comma list of pci, ssn, phone, email, or none')),
        ]),
      ),
  })
  .transform((e): RedactKind[] => e.REDACT);

export type RedactConfig = z.output<typeof redactConfig>;

/** REDACT_AUDIO: mute (default) or beep what redaction masked in the audio kept, or leave it (off). */
export const redactAudioConfig = z
  .object({ REDACT_AUDIO: z.enum(['mute', 'beep', 'off']).default('mute') })
  .transform((e) => e.REDACT_AUDIO);

export type RedactAudioConfig = z.output<typeof redactAudioConfig>;
