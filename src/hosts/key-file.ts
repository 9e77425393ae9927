/** Private key files: OpenSSH's permission rule and a parse check, each failing with one clear line. */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import ssh2 from 'ssh2';

export const expandHome = (p: string): string => (p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p);

export class KeyFileError extends Error {}

/** The key's bytes, after the checks OpenSSH makes (mode & 077 must be 0, like sshconnect2/authfile.c). */
export function loadPrivateKey(path: string): Buffer {
  const file = resolve(expandHome(path));
  let mode: number;
  let uid: number;
  try {
    const st = statSync(file);
    mode = st.mode & 0o777;
    uid = st.uid;
  } catch {
    throw new KeyFileError(`private key ${file} not found`);
  }
  // OpenSSH only judges keys the user owns (authfile.c sshkey_perm_ok)
  if (uid === process.getuid?.() && (mode & 0o077) !== 0) {
    const octal = mode.toString(8).padStart(4, '0');
    throw new KeyFileError(
      `UNPROTECTED PRIVATE KEY FILE: permissions ${octal} for '${file}' are too open (group/other must not read it); run chmod 600 ${file}`,
    );
  }
  const key = readFileSync(file);
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    if (/passphrase/i.test(parsed.message)) {
      throw new KeyFileError(`private key ${file} is encrypted: add it to ssh-agent (ssh-add) and use the agent instead`);
    }
    throw new KeyFileError(`private key ${file} cannot be read: ${parsed.message}`);
  }
  return key;
}

/** Every distinct key file checked once, before any connection: the first bad one as one line (not once per host). */
export function checkKeyFiles(paths: (string | undefined)[]): void {
  for (const p of new Set(paths.filter((x): x is string => !!x))) loadPrivateKey(p);
}
