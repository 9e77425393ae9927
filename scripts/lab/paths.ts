/** Where everything of one lab lives: `.kubeforge/lab/` under the directory `lab up` ran in. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabPaths {
  dir: string;
  labJson: string;
  inventory: string;
  key: string;
  knownHosts: string;
  sockDir: string;
  /** the daemon's control socket (lab verbs talk to it) */
  controlSock: string;
  hostsDir: string;
  layersDir: string;
  cluster: string;
  faults: string;
  commands: string;
  log: string;
  daemonPid: string;
  daemonLog: string;
}

export function labPaths(cwd: string = process.cwd()): LabPaths {
  const dir = path.resolve(cwd, '.kubeforge', 'lab');
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    labJson: p('lab.json'),
    inventory: p('inventory.yaml'),
    key: p('id_ed25519'),
    knownHosts: p('known_hosts'),
    sockDir: p('sock'),
    controlSock: p('sock/control.sock'),
    hostsDir: p('hosts'),
    layersDir: p('layers'),
    cluster: p('cluster.json'),
    faults: p('faults.json'),
    commands: p('commands.jsonl'),
    log: p('lab.log'),
    daemonPid: p('daemon.pid'),
    daemonLog: p('daemon.log'),
  };
}

/** Per-host directories on the machine. */
export interface HostPaths {
  dir: string;
  /** the host's "/" before the overlays and binds go on it (persistent: /var, /root, /home, /opt, /srv...) */
  fs: string;
  etcUpper: string;
  usrUpper: string;
  usrLocal: string;
  work: string;
  /** directory bound at /run/kflab inside the host: holds sim.sock */
  sockDir: string;
  /** files the init copies into the fresh /run/.kflab at every boot */
  seed: string;
  initLog: string;
}

export function hostPaths(lab: LabPaths, name: string): HostPaths {
  const dir = path.join(lab.hostsDir, name);
  return {
    dir,
    fs: path.join(dir, 'fs'),
    etcUpper: path.join(dir, 'etc'),
    usrUpper: path.join(dir, 'usr'),
    usrLocal: path.join(dir, 'usr-local'),
    work: path.join(dir, '.work'),
    sockDir: path.join(lab.sockDir, name),
    seed: path.join(dir, 'seed'),
    initLog: path.join(dir, 'init.log'),
  };
}

/** scripts/lab in the source tree (host-init.sh and the guest files live here). */
export const labSourceDir = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(labSourceDir, '..', '..');
