/** Turn socket, ssh2 and sudo failures into the cause part of one clear line. */

const SOCKET_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'unreachable: connection refused (is sshd listening on that port?)',
  EHOSTUNREACH: 'unreachable: no route to host',
  ENETUNREACH: 'unreachable: network is unreachable',
  ENOTFOUND: 'unreachable: host name not found',
  EAI_AGAIN: 'unreachable: host name lookup failed',
  ECONNRESET: 'connection reset during the SSH handshake (is it an SSH server?)',
  EPIPE: 'connection closed during the SSH handshake',
};

export function describeConnectError(err: Error & { code?: string; level?: string }, user: string, methods: string[], timeoutMs: number): string {
  if (err.code === 'ETIMEDOUT') return `unreachable: connection timed out after ${Math.round(timeoutMs / 1000)}s`;
  if (err.code && SOCKET_CAUSES[err.code]) return SOCKET_CAUSES[err.code];
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return `authentication failed for ${user} (${methods.join(',') || 'none'})`;
  }
  if (err.level === 'client-timeout' || /waiting for handshake/i.test(err.message)) {
    return `unreachable: SSH handshake timed out after ${Math.round(timeoutMs / 1000)}s`;
  }
  if (/lost before handshake/i.test(err.message)) return 'connection closed during the SSH handshake';
  if (/handshake failed|no matching/i.test(err.message)) return `SSH negotiation failed: ${err.message}`;
  return `SSH connection failed: ${err.message}`;
}

/** A sudo refusal in a command's stderr, as a cause; undefined when sudo itself was fine. */
export function describeSudoFailure(stderr: string, user: string, passwordEnv: string | undefined): string | undefined {
  if (/sudo: a password is required/.test(stderr)) {
    return `sudo asks ${user} for a password: set ssh.sudoPasswordEnv to the variable holding it, or allow NOPASSWD`;
  }
  if (/incorrect password attempt|no password was provided|Sorry, try again/.test(stderr)) {
    return `sudo refused the password of ${user} from ${passwordEnv ?? 'the environment'}`;
  }
  if (/you must have a tty to run sudo/.test(stderr)) {
    return `sudo requires a tty for ${user} (Defaults requiretty): remove requiretty for this user in /etc/sudoers`;
  }
  if (/is not in the sudoers file|is not allowed to execute/.test(stderr)) return `${user} may not run commands as root with sudo`;
  if (/sudo: command not found/.test(stderr)) return `sudo is not installed and ${user} is not root`;
  return undefined;
}
