/**
 * `lab up N`: build a fleet (keys, layers, host dirs, network), start the daemon (which
 * starts and boots the hosts), write inventory.yaml and known_hosts. All or nothing: on any
 * failure what was made is torn down. With a lab already up, bring back missing hosts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { LabOptions, OsProfile } from './sim/api.ts';
import { hostPaths, labPaths, labSourceDir, type LabPaths } from './paths.ts';
import { planFleet, readLabState, writeJsonAtomic, type LabState } from './lab-state.ts';
import { ensureKey, knownHostsText } from './keys.ts';
import { buildEtcLayer, buildShimLayer, hostOwnFiles } from './layers.ts';
import { makeHostDirs } from './host-dirs.ts';
import { bridgeUp, hostNetUp } from './network.ts';
import { control, daemonAlive } from './control.ts';
import { inventoryYaml } from './inventory-file.ts';
import { claimSlot, slotNet } from './slots.ts';
import { cleanSlot, labDown } from './lab-down.ts';
import { isAlive } from './host-process.ts';
import { emptyFaults } from './sim/context.ts';
import { SUDO_PASSWORD } from './host-users.ts';
import { must, pool } from './run.ts';

export interface UpOptions extends LabOptions {
  count: number;
  os: OsProfile;
  cpus: number[];
  memoryMiB: number;
}

export interface UpResult {
  alreadyUp: boolean;
  started: string[];
  lab: LabPaths;
  hosts: number;
  ms: number;
}

async function startDaemon(cwd: string, lab: LabPaths): Promise<void> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  const log = fs.openSync(lab.daemonLog, 'a');
  const child = spawn(process.execPath, ['--import', tsx, path.join(labSourceDir, 'daemon.ts'), path.resolve(cwd)], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd,
  });
  fs.closeSync(log);
  child.unref();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await daemonAlive(lab.controlSock)) return;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`lab daemon did not start: ${fs.readFileSync(lab.daemonLog, 'utf8').trim().split('\n').slice(-5).join(' | ')}`);
}

export async function labUp(cwd: string, opts: UpOptions): Promise<UpResult> {
  const t0 = Date.now();
  const lab = labPaths(cwd);
  const existing = readLabState(lab.labJson);
  if (existing && (await daemonAlive(lab.controlSock))) {
    const a = await control(lab.controlSock, { op: 'start' });
    if (!a.ok) throw new Error(`lab is up but hosts failed to start: ${JSON.stringify(a.errors ?? a.error)}`);
    return { alreadyUp: true, started: a.started ?? [], lab, hosts: existing.hosts.length, ms: Date.now() - t0 };
  }
  // a lab.json without a live daemon: hosts still running get a new daemon, else start afresh
  if (existing) {
    if (Object.values(existing.pids ?? {}).some((pid) => isAlive(pid))) {
      await startDaemon(cwd, lab);
      const a = await control(lab.controlSock, { op: 'start' });
      if (!a.ok) throw new Error(`lab daemon restarted but hosts failed to start: ${JSON.stringify(a.errors ?? a.error)}`);
      return { alreadyUp: true, started: a.started ?? [], lab, hosts: existing.hosts.length, ms: Date.now() - t0 };
    }
    await labDown(cwd);
  }

  fs.mkdirSync(lab.dir, { recursive: true });
  try {
    const slot = await claimSlot(
      lab.dir,
      async (o) => !isAlive(o.pid) && !(await daemonAlive(path.join(o.dir, 'sock/control.sock'))),
      async (k, o) => {
        // an abandoned lab (its directory may be gone): take down what is left of it
        await labDown(path.dirname(path.dirname(o.dir)));
        await cleanSlot(k);
      },
    );
    const net = slotNet(slot);
    const hosts = planFleet({ slot, count: opts.count, os: opts.os, cpus: opts.cpus, memoryMiB: opts.memoryMiB });
    const state: LabState = {
      createdAt: new Date().toISOString(),
      slot,
      options: { latencyMs: opts.latencyMs, registryView: opts.registryView },
      hosts,
      pids: {},
    };
    writeJsonAtomic(lab.labJson, state);
    writeJsonAtomic(lab.faults, emptyFaults());
    await ensureKey(lab.key, 'kubeforge-lab');
    const labPubKey = fs.readFileSync(`${lab.key}.pub`, 'utf8');
    const opspwHash = (await must('openssl', ['passwd', '-6', SUDO_PASSWORD])).trim();
    const sample = hosts[0];
    await buildEtcLayer(lab.layersDir, sample);
    await buildShimLayer(lab.layersDir, sample);
    await bridgeUp(net);
    await pool(hosts, 8, async (h) => {
      await makeHostDirs(hostPaths(lab, h.name), h, { labPubKey, opspwHash, ownFiles: hostOwnFiles(h, sample) });
      await hostNetUp(net, h);
    });
    fs.writeFileSync(
      lab.knownHosts,
      knownHostsText(hosts.map((h) => ({ address: h.address, pubKeyFile: path.join(hostPaths(lab, h.name).etcUpper, 'ssh/ssh_host_ed25519_key.pub') }))),
    );
    await startDaemon(cwd, lab);
    const a = await control(lab.controlSock, { op: 'start' }, 60_000 + 2_000 * hosts.length);
    if (!a.ok) {
      throw new Error(`hosts failed to start: ${Object.entries(a.errors ?? {}).map(([h, e]) => `${h}: ${e}`).join('; ') || a.error}`);
    }
    fs.writeFileSync(lab.inventory, inventoryYaml(lab, hosts));
    return { alreadyUp: false, started: a.started ?? [], lab, hosts: hosts.length, ms: Date.now() - t0 };
  } catch (err) {
    await labDown(cwd).catch(() => undefined);
    throw err;
  }
}
