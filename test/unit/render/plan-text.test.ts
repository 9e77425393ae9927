import { describe, expect, it } from 'vitest';
import { planJson, planText, redact } from '../../../src/render/plan-text.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import type { Phase } from '../../../src/phases/types.ts';
import { inventory } from './helpers.ts';

describe('plan text and json', () => {
  const c = inventory('lab.yaml');
  const facts = assumedFactsAll(c);
  const phases: Phase[] = [{
    id: 'join',
    title: 'Node joins',
    hosts: ['k8s-node01'],
    steps: {
      'k8s-node01': [{
        id: 'join.kubeadm-join', phase: 'join', title: 'join', host: 'k8s-node01',
        check: 'test -f /etc/kubernetes/kubelet.conf\n', apply: 'kubeadm join --token abcdef.0123456789abcdef\n',
        files: [{ path: '/etc/x', content: 'token: abcdef.0123456789abcdef\n', mode: 0o600, backup: false }],
        secrets: ['abcdef.0123456789abcdef'], env: ['KF_JOIN_TOKEN'], notes: ['a note'],
      }],
    },
  }];

  it('redacts every declared secret', () => {
    expect(redact('a s3 b s3', ['s3'])).toBe('a <redacted> b <redacted>');
    const text = planText(c, phases, facts, true);
    expect(text).not.toContain('abcdef.0123456789abcdef');
    expect(text).toContain('kubeadm join --token <redacted>');
    expect(text).toContain('token: <redacted>');
    const json = planJson(c, phases, facts, true);
    expect(json).not.toContain('abcdef.0123456789abcdef');
    expect(JSON.parse(json).phases[0].steps['k8s-node01'][0].secrets).toEqual(['<redacted>']);
  });

  it('shows per host the step, its notes, run-time env, files with their mode, check and apply', () => {
    const text = planText(c, phases, facts, true);
    expect(text).toContain(`== k8s-node01 (192.168.174.120, worker) centos 7, kernel 3.10.0-1160.el7.x86_64: 1 steps ==
  - [join] join.kubeadm-join: join
    note: a note
    env (set at run time): KF_JOIN_TOKEN
    file /etc/x (mode 0600):
      token: <redacted>
    check:
      test -f /etc/kubernetes/kubelet.conf
    apply:
      kubeadm join --token <redacted>
`);
    // hosts without steps in these phases still get their header
    expect(text).toContain('== k8s-master01 (192.168.174.110, master, init) centos 7, kernel 3.10.0-1160.el7.x86_64: 0 steps ==');
  });
});
