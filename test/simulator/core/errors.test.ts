import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SmsimError } from '../../../simulator/core/errors.js';

describe('error registry', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `(SMSIM_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('crosses a worker boundary as plain data and comes back with its code', () => {
    const e = new SmsimError('SMSIM_ERR_TARGET_UNREACHABLE', 'cannot reach 127.0.0.1:1', { details: { target: '127.0.0.1:1' } });
    const back = SmsimError.fromData(structuredClone(e.toData()));
    expect(back).toBeInstanceOf(SmsimError);
    expect(back.code).toBe('SMSIM_ERR_TARGET_UNREACHABLE');
    expect(back.details).toEqual({ target: '127.0.0.1:1' });
    expect(SmsimError.fromData({ code: 'NOPE' as never, message: 'x' }).code).toBe('SMSIM_ERR_INTERNAL');
    expect(SmsimError.from(new Error('boom')).code).toBe('SMSIM_ERR_INTERNAL');
  });
});
