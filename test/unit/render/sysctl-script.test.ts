/**
 * The sysctl step's scripts run for real with bash against a temp dir standing in for
 * /proc/sys (KF_PROC_SYS), with stand-in sysctl and modprobe commands on PATH.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventory, phasesOf, stepOf } from './helpers.ts';

const lab = inventory('lab.yaml');
const step = stepOf(phasesOf(lab), 'k8s-master01', 'kernel.sysctl');

let dir: string;
let env: Record<string, string>;
const procSys = () => path.join(dir, 'proc', 'sys');
const keyFile = (key: string) => path.join(procSys(), ...key.split('.'));
const setKey = (key: string, value: string) => {
  fs.mkdirSync(path.dirname(keyFile(key)), { recursive: true });
  fs.writeFileSync(keyFile(key), `${value}\n`);
};
const calls = () => fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
const run = (script: string) => execa('bash', ['-c', script], { env, reject: false, extendEnv: true });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-sysctl-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(dir, 'sys', 'module'), { recursive: true });
  // sysctl -q -w key=value: write the value where the kernel would show it
  fs.writeFileSync(path.join(bin, 'sysctl'), `#!/bin/bash
echo "sysctl $*" >> "$KF_TEST_DIR/calls.log"
[ "$1" = -q ] && [ "$2" = -w ] || { echo "unexpected sysctl $*" >&2; exit 2; }
kv="$3"; key="\${kv%%=*}"; value="\${kv#*=}"
f="$KF_PROC_SYS/\${key//.//}"
[ -e "$f" ] || { echo "sysctl: cannot stat $f: No such file or directory" >&2; exit 255; }
echo "$value" > "$f"
`, { mode: 0o755 });
  // modprobe br_netfilter makes the net.bridge keys appear, as the kernel does
  fs.writeFileSync(path.join(bin, 'modprobe'), `#!/bin/bash
echo "modprobe $*" >> "$KF_TEST_DIR/calls.log"
mkdir -p "$KF_SYS_MODULE/$1"
if [ "$1" = br_netfilter ]; then
  mkdir -p "$KF_PROC_SYS/net/bridge"
  echo 0 > "$KF_PROC_SYS/net/bridge/bridge-nf-call-iptables"
  echo 0 > "$KF_PROC_SYS/net/bridge/bridge-nf-call-ip6tables"
fi
`, { mode: 0o755 });
  const file = step.files[0];
  fs.writeFileSync(path.join(dir, 'k8s.conf'), file.content);
  // a 3.10 kernel's keys, minus two: tcp_tw_recycle (as on >= 4.12) and nf_conntrack_max (module not loaded)
  for (const line of file.content.split('\n')) {
    const m = /^([a-z0-9_.-]+) = (.*)$/.exec(line);
    if (m && m[1] !== 'net.ipv4.tcp_tw_recycle' && m[1] !== 'net.netfilter.nf_conntrack_max' && !m[1].startsWith('net.bridge.')) setKey(m[1], '7');
  }
  setKey('net.ipv4.ip_forward', '0');
  setKey('net.ipv4.ip_local_port_range', '32768\t60999');
  env = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    KF_TEST_DIR: dir,
    KF_PROC_SYS: procSys(),
    KF_SYS_MODULE: path.join(dir, 'sys', 'module'),
    KF_SYSCTL_FILE: path.join(dir, 'k8s.conf'),
  };
  fs.writeFileSync(path.join(dir, 'calls.log'), '');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kernel.sysctl scripts', () => {
  it('the file lists the seed keys for an EL7 kernel', () => {
    const content = step.files[0].content;
    expect(step.files[0].path).toBe('/etc/sysctl.d/k8s.conf');
    for (const k of ['net.ipv4.ip_forward = 1', 'net.bridge.bridge-nf-call-iptables = 1', 'net.bridge.bridge-nf-call-ip6tables = 1', 'fs.may_detach_mounts = 1', 'net.ipv4.tcp_tw_recycle = 0']) {
      expect(content).toContain(`\n${k}\n`);
    }
  });

  it('check fails before br_netfilter is loaded', async () => {
    expect((await run(step.check)).exitCode).toBe(1);
  });

  it('apply loads br_netfilter first, applies the keys the kernel has and reports the others', async () => {
    const r = await run(step.apply);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const log = calls();
    expect(log[0]).toBe('modprobe br_netfilter');
    const total = step.files[0].content.split('\n').filter((l) => / = /.test(l)).length;
    expect(r.stdout).toContain(`sysctl: applied ${total - 2} keys from ${env.KF_SYSCTL_FILE}`);
    expect(r.stdout).toMatch(/sysctl: skipped 2 keys this kernel \(.*\) does not have: net\.netfilter\.nf_conntrack_max net\.ipv4\.tcp_tw_recycle$/m);
    expect(log).not.toContain('sysctl -q -w net.ipv4.tcp_tw_recycle=0');
    expect(log).toContain('sysctl -q -w net.bridge.bridge-nf-call-iptables=1');
    expect(fs.readFileSync(keyFile('net.ipv4.ip_forward'), 'utf8')).toBe('1\n');
    expect(fs.readFileSync(keyFile('net.bridge.bridge-nf-call-iptables'), 'utf8')).toBe('1\n');
    // and now the check passes (absent keys do not make it fail forever)
    expect((await run(step.check)).exitCode).toBe(0);
  });

  it('check notices a value that drifted', async () => {
    expect((await run(step.apply)).exitCode).toBe(0);
    setKey('vm.swappiness', '60');
    expect((await run(step.check)).exitCode).toBe(1);
  });

  it('compares multi-value keys whitespace-insensitively', async () => {
    fs.appendFileSync(env.KF_SYSCTL_FILE, 'net.ipv4.ip_local_port_range = 32768 60999\n');
    expect((await run(step.apply)).exitCode).toBe(0);
    expect(fs.readFileSync(keyFile('net.ipv4.ip_local_port_range'), 'utf8')).toBe('32768 60999\n');
    fs.writeFileSync(keyFile('net.ipv4.ip_local_port_range'), '32768\t60999\n');
    expect((await run(step.check)).exitCode).toBe(0);
  });
});
