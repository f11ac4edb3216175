import { z } from 'zod';
import type { RefinementCtx } from 'zod';

// The shapes environment variables come in, shared by every slice. Unset and empty mean the same.

/** `true/1/yes/on` or `false/0/no/off`. */
export const envBool = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'], error: 'must be true or false' });

/** A whole number within [min, max]. */
export const envInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** Text, or undefined when unset or blank. */
export const envText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** A number, or undefined when unset or blank (pipe into the bounds). */
export const envNumber = envText.transform((v) => (v === undefined ? undefined : Number(v)));

/**
 * Reports a rule between variables as a problem of `variable` (`VARIABLE: message` in the listing).
 * Tagged `betweenVariables`, so loadConfig can tell it from a variable's own problem.
 */
export function problem(ctx: RefinementCtx, variable: string, message: string): void {
  ctx.addIssue({ code: 'custom', message, path: [variable], params: { betweenVariables: true } });
}

/** True for an issue raised by {@link problem}. */
export function isBetweenVariables(issue: { code: string; params?: Record<string, unknown> }): boolean {
  return issue.code === 'custom' && issue.params?.betweenVariables === true;
}
