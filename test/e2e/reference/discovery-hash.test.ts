/**
 * The CA hash kubeadm prints equals the documented openssl pipeline run inside the host
 * (the host's own openssl), and the SPKI hash computed here from the same ca.crt.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefLab } from './ref-lab.ts';
import * as W from './walkthrough-centos7.ts';

const HASH = /--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/;

describe('discovery-token-ca-cert-hash', () => {
  let lab: RefLab;
  beforeAll(async () => {
    lab = await RefLab.up(1, 'centos7');
    await lab.steps(lab.master, [...W.nodePrep(lab.hosts, lab.master), ...W.init(lab.master)]);
  }, 240_000);
  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('init, token create --print-join-command and openssl agree', async () => {
    const m = lab.master;
    const initLog = (await lab.ssh(m, 'cat /root/kubeadm-init.log')).stdout;
    const fromInit = HASH.exec(initLog)?.[1];
    expect(fromInit).toBeDefined();

    const printed = await lab.ssh(m, 'kubeadm token create --print-join-command');
    expect(printed.code).toBe(0);
    const fromCreate = HASH.exec(printed.stdout)?.[1];

    const pipeline = await lab.ssh(m, 'openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | sha256sum');
    expect(pipeline.code).toBe(0);
    const fromOpenssl = 'sha256:' + pipeline.stdout.split(/\s+/)[0];

    const pem = (await lab.ssh(m, 'cat /etc/kubernetes/pki/ca.crt')).stdout;
    const spki = new crypto.X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    const fromHere = 'sha256:' + crypto.createHash('sha256').update(spki).digest('hex');

    expect(fromOpenssl).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fromInit).toBe(fromOpenssl);
    expect(fromCreate).toBe(fromOpenssl);
    expect(fromHere).toBe(fromOpenssl);
  }, 60_000);

  it('`lab fault clock` skews the host clock that date and kubeadm see', async () => {
    const m = lab.master;
    const f = await lab.kf(['lab', 'fault', 'clock', m.name, '7200']);
    expect(f.code, f.stderr).toBe(0);
    const hostNow = Number((await lab.ssh(m, 'date +%s')).stdout.trim());
    expect(Math.abs(hostNow - Date.now() / 1000 - 7200)).toBeLessThan(60);
    // a token created on the skewed host expires 24h after the host's clock
    const created = (await lab.ssh(m, 'kubeadm token create --ttl 1h')).stdout.trim();
    const list = (await lab.ssh(m, 'kubeadm token list')).stdout;
    const line = list.split('\n').find((l) => l.startsWith(created))!;
    const expires = Date.parse(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/.exec(line)![0]) / 1000;
    expect(Math.abs(expires - (hostNow + 3600))).toBeLessThan(60);
    expect((await lab.kf(['lab', 'fault', 'clock', m.name, '0'])).code).toBe(0);
    expect(Math.abs(Number((await lab.ssh(m, 'date +%s')).stdout.trim()) - Date.now() / 1000)).toBeLessThan(60);
  }, 60_000);
});
