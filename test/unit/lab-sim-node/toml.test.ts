import { describe, expect, it } from 'vitest';
import { parseToml, tomlGet } from '../../../scripts/lab/sim/node/toml.ts';

describe('TOML reader', () => {
  it('reads tables with quoted dotted names, arrays, inline tables and scalars', () => {
    const t = parseToml(`# comment
version = 2
disabled_plugins = [
  "a", # trailing
  'b',
]
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
  IoUid = -1
[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = 'x/pause:3.10'
[registry]
mirrors = { "docker.io" = { endpoint = ["https://m"] } }
ratio = 0.5
a.b.c = "dotted \\"key\\""
`);
    expect(t.version).toBe(2);
    expect(t.disabled_plugins).toEqual(['a', 'b']);
    expect(tomlGet(t, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'])).toBe(true);
    expect(tomlGet(t, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'IoUid'])).toBe(-1);
    expect(tomlGet(t, ['plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox'])).toBe('x/pause:3.10');
    expect(tomlGet(t, ['registry', 'mirrors', 'docker.io', 'endpoint'])).toEqual(['https://m']);
    expect(tomlGet(t, ['registry', 'ratio'])).toBe(0.5);
    expect(tomlGet(t, ['registry', 'a', 'b', 'c'])).toBe('dotted "key"');
  });

  it('reports errors with line and column', () => {
    expect(() => parseToml('a = 1\nb = \n')).toThrow(/^\(2, \d+\): /);
    expect(() => parseToml('a = 1\na = 2\n')).toThrow(/duplicated key "a"/);
    expect(() => parseToml('[x]\n[x]\n')).toThrow(/duplicated tables/);
    expect(() => parseToml('s = "open\n')).toThrow(/unterminated string/);
    expect(() => parseToml('flag = yes\n')).toThrow(/invalid value "yes"/);
  });
});
