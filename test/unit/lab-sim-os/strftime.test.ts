import { describe, expect, it } from 'vitest';
import { strftime } from '../../../scripts/lab/sim/os/host.ts';

describe("the lab's date formats as GNU date does", () => {
  const ms = Date.UTC(2026, 10, 4, 3, 5, 9) + 42; // 2026-11-04 03:05:09.042 UTC
  it('takes a width on %N (%3N = milliseconds) and the - flag', () => {
    expect(strftime('%s%3N', 'UTC', ms)).toBe(`${Math.floor(ms / 1000)}042`);
    expect(strftime('%N', 'UTC', ms)).toBe('042000000');
    expect(strftime('%6N', 'UTC', ms)).toBe('042000');
    expect(strftime('%-d/%-m %d', 'UTC', ms)).toBe('4/11 04');
    expect(strftime('%F %T %%', 'UTC', ms)).toBe('2026-11-04 03:05:09 %');
  });
});
