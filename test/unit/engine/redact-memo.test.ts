import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../src/engine/redact.ts';

describe('Redactor.redactValue memo', () => {
  it('redacts a string seen before again once a new secret is registered', () => {
    const r = new Redactor();
    const record = { steps: [{ error: 'sudo: password s3cretpw rejected' }] };
    expect(r.redactValue(record).steps[0].error).toBe('sudo: password s3cretpw rejected');
    r.add('s3cretpw');
    expect(r.redactValue(record).steps[0].error).toBe(`sudo: password ${REDACTED} rejected`);
  });

  it('hides a token found by shape in one string from the strings walked after it, and later', () => {
    const r = new Redactor();
    const half = '0123456789abcdef';
    const v = r.redactValue(['join with abcdef.0123456789abcdef', `secret half ${half}`]);
    expect(v).toEqual([`join with ${REDACTED}`, `secret half ${REDACTED}`]);
    expect(r.redactValue([`secret half ${half}`])).toEqual([`secret half ${REDACTED}`]);
  });

  it('gives the same result as redact() for repeated strings', () => {
    const r = new Redactor(['hunter22']);
    const texts = ['plain', 'pw hunter22', `key ${'ab'.repeat(32)}`, 'plain'];
    const first = r.redactValue(texts);
    const again = r.redactValue(texts);
    expect(again).toEqual(first);
    expect(first).toEqual(texts.map((t) => r.redact(t)));
  });
});
