/**
 * The project's own small add-on manifests (templates/manifests/), shaped like the upstream
 * ones, for tests and the lab. Never a silent fallback for a real cluster: the lab names the
 * written file in its inventory (cni.manifest / metricsServer.manifest).
 */
import fs from 'node:fs';
import path from 'node:path';
import { render } from './engine.ts';
import type { AddonName } from './manifests.ts';

const CALICO_CRDS = [
  { kind: 'BGPConfiguration', plural: 'bgpconfigurations', singular: 'bgpconfiguration', scope: 'Cluster' },
  { kind: 'BlockAffinity', plural: 'blockaffinities', singular: 'blockaffinity', scope: 'Cluster' },
  { kind: 'ClusterInformation', plural: 'clusterinformations', singular: 'clusterinformation', scope: 'Cluster' },
  { kind: 'FelixConfiguration', plural: 'felixconfigurations', singular: 'felixconfiguration', scope: 'Cluster' },
  { kind: 'IPAMBlock', plural: 'ipamblocks', singular: 'ipamblock', scope: 'Cluster' },
  { kind: 'IPPool', plural: 'ippools', singular: 'ippool', scope: 'Cluster' },
  { kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', scope: 'Namespaced' },
];

/** "v0.6.4" -> [0, 6] */
const minorOf = (v: string): [number, number] => {
  const m = /^v?(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};

export function bundledManifest(addon: AddonName, version: string): string {
  if (addon === 'calico') return render('manifests/calico.yaml.hbs', { version, crds: CALICO_CRDS });
  const [maj, min] = minorOf(version);
  const old = maj === 0 && min < 6;
  return render('manifests/metrics-server.yaml.hbs', {
    version,
    // upstream moved from k8s.gcr.io to registry.k8s.io with 0.6, and to port 10250 with 0.7
    registry: old ? 'k8s.gcr.io' : 'registry.k8s.io',
    securePort: maj === 0 && min < 7 ? 4443 : 10250,
  });
}

/** Write `<dir>/<addon>-<version>.yaml` and return its path (for the lab's inventory). */
export function writeBundledManifest(addon: AddonName, version: string, dir: string): string {
  const file = path.join(dir, `${addon}-${version}.yaml`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, bundledManifest(addon, version));
  return file;
}
