/** kube-proxy.configmap for real with bash: a stand-in kubectl serves the ConfigMap as kubectl prints it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventory, phasesOf, stepOf } from '../render/helpers.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-kp-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  // the ConfigMap kubeadm creates, as `kubectl get -o yaml` prints it (config.conf is a block scalar)
  fs.writeFileSync(path.join(dir, 'cm.yaml'), `apiVersion: v1
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    bindAddress: 0.0.0.0
    clusterCIDR: 172.168.0.0/16
    detectLocalMode: ""
    ipvs:
      excludeCIDRs: null
      scheduler: ""
      strictARP: false
    kind: KubeProxyConfiguration
    mode: ""
    nodePortAddresses: null
  kubeconfig.conf: |-
    apiVersion: v1
    kind: Config
kind: ConfigMap
metadata:
  labels:
    app: kube-proxy
  name: kube-proxy
  namespace: kube-system
`);
  fs.writeFileSync(path.join(dir, 'bin', 'kubectl'), `#!/bin/bash
echo "kubectl $*" >> "${dir}/calls"
case "$*" in
  *"get configmap kube-proxy -o yaml"*) cat "${dir}/cm.yaml" ;;
  *"get configmap kube-proxy -o jsonpath"*) awk '/config.conf: \\|-/ {f=1; next} /^  [a-z]/ {f=0} f {sub(/^    /, ""); print}' "${dir}/cm.yaml" ;;
  *"replace -f -"*) cat > "${dir}/cm.new" && mv "${dir}/cm.new" "${dir}/cm.yaml" ;;
  *"delete pod -l k8s-app=kube-proxy"*) echo 'pod "kube-proxy-abcde" deleted' ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`, { mode: 0o755 });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kube-proxy.configmap', () => {
  it('sets only the mode line of config.conf, restarts the pods, and then passes its check', async () => {
    const step = stepOf(phasesOf(inventory('lab.yaml')), 'k8s-master01', 'kube-proxy.configmap');
    const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    expect((await execa('bash', ['-c', step.check], { env, reject: false })).exitCode).toBe(1);
    const r = await execa('bash', ['-c', step.apply], { env, reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const cm = YAML.parse(fs.readFileSync(path.join(dir, 'cm.yaml'), 'utf8')) as { data: Record<string, string> };
    const conf = YAML.parse(cm.data['config.conf']) as Record<string, unknown>;
    expect(conf.mode).toBe('ipvs');
    expect(conf.detectLocalMode).toBe('');
    expect(conf.clusterCIDR).toBe('172.168.0.0/16');
    expect(cm.data['kubeconfig.conf']).toBe('apiVersion: v1\nkind: Config');
    const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8');
    expect(calls).toContain('kubectl --kubeconfig=/etc/kubernetes/admin.conf -n kube-system delete pod -l k8s-app=kube-proxy');
    expect((await execa('bash', ['-c', step.check], { env, reject: false })).exitCode).toBe(0);
  });
});
