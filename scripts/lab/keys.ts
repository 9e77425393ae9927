/** The lab's client key and each host's ed25519 host key (ssh-keygen), and known_hosts. */
import fs from 'node:fs';
import { must } from './run.ts';

export async function ensureKey(file: string, comment: string): Promise<void> {
  if (fs.existsSync(file) && fs.existsSync(`${file}.pub`)) return;
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  fs.chmodSync(file, 0o600);
}

/** `ADDR ssh-ed25519 AAAA...` per host, from each host key's .pub. */
export function knownHostsText(entries: { address: string; pubKeyFile: string }[]): string {
  return entries
    .map((e) => {
      const [type, key] = fs.readFileSync(e.pubKeyFile, 'utf8').trim().split(/\s+/);
      return `${e.address} ${type} ${key}\n`;
    })
    .join('');
}
