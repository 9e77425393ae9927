/** A unit-test lab whose hosts look freshly installed and booted (os area only). */
import fs from 'node:fs';
import path from 'node:path';
import '../../../scripts/lab/sim/os/index.ts';
import type { OsProfile } from '../../../scripts/lab/sim/api.ts';
import { makeContext } from '../../../scripts/lab/sim/context.ts';
import { boot, freshHostFiles } from '../../../scripts/lab/sim/os/provision.ts';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';

export async function bootHost(lab: TestLab, name: string): Promise<void> {
  const host = lab.hostList.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name}`);
  // a reboot loses /run
  fs.rmSync(path.join(lab.roots[name], 'run'), { recursive: true, force: true });
  const ctx = makeContext(lab, { host, root: lab.roots[name], argv: ['(boot)'] });
  await boot(ctx);
  ctx.save();
}

export async function freshLab(hosts: { name: string; os?: OsProfile }[] = [{ name: 'h1' }]): Promise<TestLab> {
  const lab = makeTestLab({ hosts });
  for (const h of lab.hostList) {
    for (const f of freshHostFiles(h)) lab.write(h.name, f.path, f.content);
    await bootHost(lab, h.name);
  }
  return lab;
}

export const VAULT_REPO = `[base]
name=CentOS-7 - Base
baseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/os/$basearch/
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7

[updates]
name=CentOS-7 - Updates
baseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/updates/$basearch/
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7

[extras]
name=CentOS-7 - Extras
baseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/extras/$basearch/
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7
`;

export const K8S_LEGACY_REPO = `[kubernetes]
name=Kubernetes
baseurl=https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/
enabled=1
gpgcheck=0
repo_gpgcheck=0
`;

export const k8sMinorRepo = (minor: string): string => `[kubernetes]
name=Kubernetes
baseurl=https://pkgs.k8s.io/core:/stable:/v${minor}/rpm/
enabled=1
gpgcheck=1
gpgkey=https://pkgs.k8s.io/core:/stable:/v${minor}/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
`;
