import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors.ts';
import { classifyPgError } from '../../src/ledger/classify-pg-error.ts';

const coded = (code: string, message = `failed (${code})`) => Object.assign(new Error(message), { code });

describe('classifyPgError uses the shared network list', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN'])('%s is transient, also as a cause', (code) => {
    expect(classifyPgError(coded(code), 'claim')).toBeInstanceOf(TransientError);
    expect(classifyPgError(new Error('query failed', { cause: coded(code) }), 'claim')).toBeInstanceOf(TransientError);
  });

  it('keeps its own SQLSTATE rules: 08xxx and restarts transient, auth and missing objects permanent', () => {
    expect(classifyPgError(coded('08006'), 'claim')).toBeInstanceOf(TransientError);
    expect(classifyPgError(coded('57P01'), 'claim')).toBeInstanceOf(TransientError);
    expect(classifyPgError(new Error('socket hang up'), 'claim')).toBeInstanceOf(TransientError);
    expect(classifyPgError(coded('28P01', 'password authentication failed for user "x"'), 'connect')).toBeInstanceOf(PermanentError);
    expect(classifyPgError(coded('3D000', 'database "nope" does not exist'), 'connect')).toBeInstanceOf(PermanentError);
    expect(classifyPgError(coded('ENOENT'), 'connect')).toBeInstanceOf(PermanentError);
  });

  it('names the system and the action', () => {
    const error = classifyPgError(coded('ECONNREFUSED'), 'connect');
    expect(error).toMatchObject({ system: 'postgres', message: 'PostgreSQL connect: failed (ECONNREFUSED) (ECONNREFUSED)' });
  });
});
