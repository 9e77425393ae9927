import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxConcurrentHosts, readCommandRecord, recordLine, redactArgv, REDACTED, type CommandRecord } from '../../../scripts/lab/command-record.ts';

const rec = (host: string, start: number, end: number, argv: string[] = ['yum']): CommandRecord => ({ host, argv, start, end, exit: 0, code: 0 });

describe('redactArgv', () => {
  it('drops the values of secret flags, in both spellings', () => {
    const argv = ['kubeadm', 'join', '198.18.0.10:6443', '--token', 'x', '--discovery-token-ca-cert-hash', 'sha256:abc', '--certificate-key=ffff', '--control-plane'];
    expect(redactArgv(argv)).toEqual(['kubeadm', 'join', '198.18.0.10:6443', '--token', REDACTED, '--discovery-token-ca-cert-hash', REDACTED, `--certificate-key=${REDACTED}`, '--control-plane']);
  });
  it('drops bootstrap tokens and 64-hex keys wherever they are', () => {
    const hex = 'a1'.repeat(32);
    const out = redactArgv(['kubeadm', 'token', 'delete', 'abcdef.0123456789abcdef', `sha256:${hex}`, 'plain']);
    expect(out).toEqual(['kubeadm', 'token', 'delete', REDACTED, REDACTED, 'plain']);
    expect(JSON.stringify(out)).not.toContain('abcdef.0123');
  });
  it('cuts long values and keeps short ones', () => {
    const long = 'x'.repeat(1000);
    const [a, b] = redactArgv([long, 'docker-ce-20.10.24']);
    expect(a.length).toBeLessThan(260);
    expect(a).toContain('1000 chars');
    expect(b).toBe('docker-ce-20.10.24');
  });
});

describe('readCommandRecord', () => {
  it('reads what recordLine wrote, from the lab dir or the directory lab up ran in, skipping a torn last line', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-rec-'));
    const dir = path.join(cwd, '.kubeforge', 'lab');
    fs.mkdirSync(dir, { recursive: true });
    const text = recordLine('kf-node01', ['yum', 'install', '-y', 'socat'], 1000.5, 1400.25, 0)
      + recordLine('kf-master01', ['kubeadm', 'join', '--token', 'abcdef.0123456789abcdef'], 1100, 1200, 1)
      + '{"host":"kf-node02","argv":["sys';
    fs.writeFileSync(path.join(dir, 'commands.jsonl'), text);
    for (const where of [dir, cwd]) {
      const recs = readCommandRecord(where);
      expect(recs).toHaveLength(2);
      expect(recs[0]).toEqual({ host: 'kf-node01', argv: ['yum', 'install', '-y', 'socat'], start: 1000.5, end: 1400.25, exit: 0, code: 0 });
      expect(recs[1].exit).toBe(1);
      expect(recs[1].argv).toEqual(['kubeadm', 'join', '--token', REDACTED]);
    }
    expect(readCommandRecord(path.join(cwd, 'nothing'))).toEqual([]);
    fs.rmSync(cwd, { recursive: true, force: true });
  });
  it('accepts older lines that only have code', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-rec-'));
    fs.writeFileSync(path.join(dir, 'commands.jsonl'), '{"host":"h","argv":["a"],"start":1,"end":2,"code":3}\n');
    expect(readCommandRecord(dir)[0].exit).toBe(3);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('maxConcurrentHosts', () => {
  it('counts distinct hosts in flight at one instant', () => {
    expect(maxConcurrentHosts([])).toBe(0);
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('b', 5, 15), rec('c', 12, 20)])).toBe(2);
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('b', 1, 9), rec('c', 2, 8), rec('d', 3, 4)])).toBe(4);
  });
  it('counts a host once when it runs two commands at once', () => {
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('a', 2, 12), rec('b', 11, 13)])).toBe(2);
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('a', 2, 8), rec('b', 11, 13)])).toBe(1);
  });
  it('does not count a command ending as another starts, but counts an instant command', () => {
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('b', 10, 20)])).toBe(1);
    expect(maxConcurrentHosts([rec('a', 0, 10), rec('b', 5, 5)])).toBe(2);
    expect(maxConcurrentHosts([rec('a', 5, 5), rec('b', 5, 5), rec('c', 5, 5)])).toBe(3);
  });
  it('only looks inside [from, to]', () => {
    const recs = [rec('a', 0, 10), rec('b', 1, 10), rec('c', 20, 30), rec('d', 40, 50)];
    expect(maxConcurrentHosts(recs)).toBe(2);
    expect(maxConcurrentHosts(recs, 15)).toBe(1);
    expect(maxConcurrentHosts(recs, 11, 19)).toBe(0);
  });
  it('finds a 10-host pool staying at 10 and an 11th host breaking it', () => {
    // 30 hosts through a pool of 10: each slot runs hosts back to back
    const recs: CommandRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const slot = i % 10;
      const round = Math.floor(i / 10);
      recs.push(rec(`h${i}`, round * 100 + slot * 0.5, (round + 1) * 100 + slot * 0.5));
    }
    expect(maxConcurrentHosts(recs)).toBe(10);
    recs.push(rec('extra', 150, 151));
    expect(maxConcurrentHosts(recs)).toBe(11);
  });
});
