import { describe, expect, it } from 'vitest';
import { renderJsonPath } from '../../../scripts/lab/sim/cluster/jsonpath.ts';
import { humanDuration } from '../../../scripts/lab/sim/cluster/age.ts';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { 'kubernetes.io/hostname': 'ha' } }, spec: { n: 3 }, status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] } },
    { metadata: { name: 'b', labels: {} }, spec: { n: 1 }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
  ],
};

describe('jsonpath as kubectl evaluates it', () => {
  it('fields, wildcards, indexes, slices, negative index', () => {
    expect(renderJsonPath('{.items[*].metadata.name}', list)).toBe('a b');
    expect(renderJsonPath('{.items[0].metadata.name}', list)).toBe('a');
    expect(renderJsonPath('{.items[-1].metadata.name}', list)).toBe('b');
    expect(renderJsonPath('{.items[0:1].metadata.name}', list)).toBe('a');
    expect(renderJsonPath('{.kind}/{.items[1].spec.n}', list)).toBe('List/1');
    expect(renderJsonPath("{.items[0].metadata.labels['kubernetes.io/hostname']}", list)).toBe('ha');
  });
  it('filters, range/end, literals with escapes, unions, recursive descent, $', () => {
    expect(renderJsonPath('{.items[?(@.spec.n>2)].metadata.name}', list)).toBe('a');
    expect(renderJsonPath('{.items[?(@.metadata.name!="a")].metadata.name}', list)).toBe('b');
    expect(renderJsonPath('{range .items[*]}[{.metadata.name}:{.status.conditions[?(@.type=="Ready")].status}]{end}', list)).toBe('[a:True][b:False]');
    expect(renderJsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', list)).toBe('a\nb\n');
    expect(renderJsonPath('{.items[0].metadata.name,.items[1].metadata.name}', list)).toBe('a b');
    expect(renderJsonPath('{..name}', list)).toBe('a b');
    expect(renderJsonPath('{range .items[*]}{$.kind}{end}', list)).toBe('ListList');
    // a missing key prints nothing (kubectl's default --allow-missing-template-keys)
    expect(renderJsonPath('{.items[0].nope}x', list)).toBe('x');
    // objects print as JSON
    expect(renderJsonPath('{.items[1].spec}', list)).toBe('{"n":1}');
  });
  it('rejects an unclosed range', () => {
    expect(() => renderJsonPath('{range .items[*]}{.x}', list)).toThrow('unclosed range');
  });
});

describe('AGE column', () => {
  it('formats durations like apimachinery HumanDuration', () => {
    const s = 1000;
    expect(humanDuration(59 * s)).toBe('59s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(150 * s)).toBe('2m30s');
    expect(humanDuration(10 * 60 * s)).toBe('10m');
    expect(humanDuration(3 * 3600 * s + 5 * 60 * s)).toBe('3h5m');
    expect(humanDuration(30 * 3600 * s)).toBe('30h');
    expect(humanDuration(3 * 86400 * s + 4 * 3600 * s)).toBe('3d4h');
    expect(humanDuration(400 * 86400 * s)).toBe('400d');
    expect(humanDuration(3 * 365 * 86400 * s + 10 * 86400 * s)).toBe('3y10d');
  });
});
