/** /etc/passwd, shadow, group, gshadow and sudoers.d of a fresh lab host (CentOS / Rocky accounts + the lab's users). */
import type { OsProfile } from './sim/api.ts';

export const SUDO_PASSWORD = 'kflab-sudo';

export interface LabUser {
  name: string;
  uid: number;
  home: string;
}

export const LAB_USERS: LabUser[] = [
  { name: 'root', uid: 0, home: '/root' },
  { name: 'ops', uid: 1000, home: '/home/ops' },
  { name: 'opspw', uid: 1001, home: '/home/opspw' },
];

export function accountFiles(os: OsProfile, opspwHash: string): Record<string, { content: string; mode: number }> {
  const nobody = os === 'centos7' ? 'nobody:x:99:99:Nobody:/:/sbin/nologin' : 'nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin';
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'bin:x:1:1:bin:/bin:/sbin/nologin',
    'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
    'adm:x:3:4:adm:/var/adm:/sbin/nologin',
    'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin',
    'sync:x:5:0:sync:/sbin:/bin/sync',
    'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown',
    'halt:x:7:0:halt:/sbin:/sbin/halt',
    'mail:x:8:12:mail:/var/spool/mail:/sbin/nologin',
    'operator:x:11:0:operator:/root:/sbin/nologin',
    'games:x:12:100:games:/usr/games:/sbin/nologin',
    'ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin',
    nobody,
    'systemd-network:x:192:192:systemd Network Management:/:/sbin/nologin',
    'dbus:x:81:81:System message bus:/:/sbin/nologin',
    'polkitd:x:999:998:User for polkitd:/:/sbin/nologin',
    'sshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin',
    'chrony:x:998:996::/var/lib/chrony:/sbin/nologin',
    'ops:x:1000:1000::/home/ops:/bin/bash',
    'opspw:x:1001:1001::/home/opspw:/bin/bash',
  ];
  // "*" (not "!"): no password, yet not a locked account, so key logins work without PAM.
  const shadow = passwd.map((l) => {
    const name = l.split(':')[0];
    const pw = name === 'opspw' ? opspwHash : name === 'root' || name === 'ops' ? '*' : '!!';
    return `${name}:${pw}:19700:0:99999:7:::`;
  });
  const groups: [string, number, string][] = [
    ['root', 0, ''], ['bin', 1, ''], ['daemon', 2, ''], ['sys', 3, ''], ['adm', 4, ''], ['tty', 5, ''],
    ['disk', 6, ''], ['lp', 7, ''], ['mem', 8, ''], ['kmem', 9, ''], ['wheel', 10, 'ops,opspw'],
    ['mail', 12, ''], ['uucp', 14, ''], ['man', 15, ''], ['games', 20, ''], ['video', 39, ''],
    ['ftp', 50, ''], ['lock', 54, ''], ['audio', 63, ''], [os === 'centos7' ? 'nobody' : 'nobody', os === 'centos7' ? 99 : 65534, ''],
    ['users', 100, ''], ['utmp', 22, ''], ['input', 999, ''], ['systemd-journal', 190, ''],
    ['systemd-network', 192, ''], ['dbus', 81, ''], ['polkitd', 998, ''], ['ssh_keys', 997, ''],
    ['sshd', 74, ''], ['chrony', 996, ''], ['ops', 1000, ''], ['opspw', 1001, ''],
  ];
  return {
    passwd: { content: passwd.join('\n') + '\n', mode: 0o644 },
    shadow: { content: shadow.join('\n') + '\n', mode: 0o000 },
    group: { content: groups.map(([n, g, m]) => `${n}:x:${g}:${m}`).join('\n') + '\n', mode: 0o644 },
    gshadow: { content: groups.map(([n, , m]) => `${n}:::${m}`).join('\n') + '\n', mode: 0o000 },
    'sudoers.d/kflab-ops': { content: 'ops ALL=(ALL) NOPASSWD: ALL\n', mode: 0o440 },
    'sudoers.d/kflab-opspw': { content: 'opspw ALL=(ALL) ALL\n', mode: 0o440 },
  };
}

export function sshdConfig(): string {
  return [
    '# kubeforge lab host',
    'Port 22',
    'ListenAddress 0.0.0.0',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    // what CentOS 7's OpenSSH 7.4 offers (no post-quantum hybrid): also the cheaper handshake
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256',
    'MaxStartups 200',
    'MaxSessions 50',
    'PidFile /run/sshd.pid',
    'PrintMotd no',
    'X11Forwarding no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'ForceCommand /usr/lib/kflab/session',
    '',
  ].join('\n');
}
