/**
 * A new host's persistent directories: its root skeleton (fs/), overlay uppers for /etc and
 * /usr, /usr/local, the accounts, sshd config and host key, the lab key in authorized_keys,
 * and what freshHostFiles puts outside /etc. Done once, at the host's first start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LabHost } from './sim/api.ts';
import type { HostPaths } from './paths.ts';
import { accountFiles, LAB_USERS, sshdConfig } from './host-users.ts';
import { ensureKey } from './keys.ts';

function write(file: string, content: string, mode: number, uid = 0): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  fs.chownSync(file, uid, uid);
}

export async function makeHostDirs(
  hp: HostPaths,
  h: LabHost,
  opts: { labPubKey: string; opspwHash: string; ownFiles: { path: string; content: string; mode: number }[] },
): Promise<void> {
  for (const d of [hp.fs, hp.etcUpper, hp.usrUpper, hp.usrLocal, path.join(hp.work, 'etc'), path.join(hp.work, 'usr'), hp.sockDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
  for (const d of ['bin', 'etc', 'games', 'include', 'lib', 'lib64', 'libexec', 'sbin', 'share', 'src']) {
    fs.mkdirSync(path.join(hp.usrLocal, d), { recursive: true });
  }
  const fsDirs: [string, number][] = [
    ['var/log/kflab', 0o777], ['var/lib/kflab', 0o755], ['var/tmp', 0o1777], ['var/cache', 0o755],
    ['var/spool', 0o755], ['var/empty/sshd', 0o711], ['var/adm', 0o755], ['root', 0o550], ['home', 0o755],
    ['opt', 0o755], ['srv', 0o755], ['mnt', 0o755], ['media', 0o755], ['boot', 0o555],
  ];
  for (const [d, mode] of fsDirs) {
    fs.mkdirSync(path.join(hp.fs, d), { recursive: true });
    fs.chmodSync(path.join(hp.fs, d), mode);
  }
  for (const [l, target] of [['var/run', '../run'], ['var/lock', '../run/lock']]) {
    const p = path.join(hp.fs, l);
    if (!fs.existsSync(p)) fs.symlinkSync(target, p);
  }
  write(path.join(hp.fs, 'var/log/kflab/sessions.log'), '', 0o666);
  write(path.join(hp.fs, 'var/log/secure'), '', 0o600);

  for (const [rel, f] of Object.entries(accountFiles(h.os, opts.opspwHash))) {
    write(path.join(hp.etcUpper, rel), f.content, f.mode);
  }
  write(path.join(hp.etcUpper, 'ssh/sshd_config'), sshdConfig(), 0o600);
  write(path.join(hp.etcUpper, 'machine-id'), randomBytes(16).toString('hex') + '\n', 0o444);
  const hostKey = path.join(hp.etcUpper, 'ssh/ssh_host_ed25519_key');
  await ensureKey(hostKey, `root@${h.name}`);

  for (const u of LAB_USERS) {
    const home = path.join(hp.fs, u.home);
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.chmodSync(home, u.uid === 0 ? 0o550 : 0o700);
    fs.chmodSync(path.join(home, '.ssh'), 0o700);
    write(path.join(home, '.ssh/authorized_keys'), opts.labPubKey, 0o600, u.uid);
    fs.chownSync(path.join(home, '.ssh'), u.uid, u.uid);
    fs.chownSync(home, u.uid, u.uid);
  }
  for (const f of opts.ownFiles) {
    // each path lands in the layer that is mounted there inside the host
    const target = f.path.startsWith('/etc/') ? path.join(hp.etcUpper, f.path.slice(5))
      : f.path.startsWith('/usr/local/') ? path.join(hp.usrLocal, f.path.slice(11))
      : f.path.startsWith('/usr/') ? path.join(hp.usrUpper, f.path.slice(5))
      : path.join(hp.fs, f.path);
    write(target, f.content, f.mode);
  }
}
