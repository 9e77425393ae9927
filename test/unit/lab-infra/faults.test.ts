import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultsFile } from '../../../scripts/lab/faults-file.ts';
import { applyFault } from '../../../scripts/lab/lab-fault.ts';
import { emptyFaults } from '../../../scripts/lab/sim/context.ts';

const dirs: string[] = [];
const tmpFile = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-faults-'));
  dirs.push(d);
  return path.join(d, 'faults.json');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('faults.json', () => {
  it('is empty when missing', () => {
    expect(new FaultsFile(tmpFile()).read()).toEqual(emptyFaults());
  });

  it('fail-next fires count times on matching commands of the named host only, then is gone', () => {
    const f = new FaultsFile(tmpFile());
    f.write(applyFault(emptyFaults(), { kind: 'fail-next', entry: { pattern: '^yum install', host: 'kf-node01', count: 2, mode: 'fail', code: 1 } }));
    expect(f.take('kf-master01', ['yum', 'install', '-y', 'x'])).toBeUndefined();
    expect(f.take('kf-node01', ['yum', 'makecache'])).toBeUndefined();
    expect(f.take('kf-node01', ['yum', 'install', '-y', 'x'])?.code).toBe(1);
    expect(new FaultsFile(f.file).read().failNext[0].count).toBe(1);
    expect(f.take('kf-node01', ['yum', 'install', 'y'])).toBeDefined();
    expect(f.take('kf-node01', ['yum', 'install', 'z'])).toBeUndefined();
    expect(new FaultsFile(f.file).read().failNext).toEqual([]);
  });

  it('picks up edits made by another process (the CLI) by mtime', async () => {
    const file = tmpFile();
    const daemonView = new FaultsFile(file);
    expect(daemonView.read().registriesDown).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    new FaultsFile(file).write(applyFault(emptyFaults(), { kind: 'registry-down', registry: 'registry.k8s.io', down: true }));
    expect(daemonView.read().registriesDown).toEqual(['registry.k8s.io']);
  });

  it('sets and clears each kind of fault', () => {
    let f = applyFault(emptyFaults(), { kind: 'mirror', url: 'https://mirrors.aliyun.com/centos-vault/', fault: '404' });
    f = applyFault(f, { kind: 'missing-tag', image: 'registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.6', missing: true });
    f = applyFault(f, { kind: 'missing-tag', image: 'registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.6', missing: true });
    expect(f.mirrors).toEqual({ 'https://mirrors.aliyun.com/centos-vault/': '404' });
    expect(f.missingTags).toHaveLength(1);
    f = applyFault(f, { kind: 'mirror', url: 'https://mirrors.aliyun.com/centos-vault/', fault: null });
    expect(f.mirrors).toEqual({});
    expect(applyFault(f, { kind: 'clear' })).toEqual(emptyFaults());
    expect(() => applyFault(f, { kind: 'fail-next', entry: { pattern: '(', count: 1, mode: 'fail' } })).toThrow();
  });
});
