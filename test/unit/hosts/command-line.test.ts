import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { commandLine } from '../../../src/hosts/command-line.ts';
import { describeSudoFailure } from '../../../src/hosts/ssh-errors.ts';

describe('the command line sent to sshd', () => {
  it('root: bash -c with the script; the quoting survives a real shell', () => {
    const c = commandLine(`echo "$HOME" '$B' "it's"`, {}, { user: 'root' }, {});
    expect(c.command.startsWith('bash -c ')).toBe(true);
    expect(c.stdin).toBeUndefined();
    const r = spawnSync('bash', ['-c', c.command], { encoding: 'utf8', env: { HOME: '/h' } });
    expect(r.stdout).toBe("/h $B it's\n");
  });

  it('secrets (join tokens...) go on stdin with the script, never on the command line; plain env stays inline', () => {
    const token = 'abcdef.0123456789abcdef';
    const c = commandLine(`echo "$KF_JOIN_TOKEN" "$A"`, { env: { A: "it's $HOME" }, secretEnv: { KF_JOIN_TOKEN: token } }, { user: 'root' }, {});
    expect(c.command).toBe('bash -s');
    const r = spawnSync('bash', ['-c', c.command], { encoding: 'utf8', input: c.stdin });
    expect(r.stdout).toBe(`${token} it's $HOME\n`);
    expect(commandLine('true', { secretEnv: { KF_JOIN_TOKEN: token } }, { user: 'ops' }, {}).command).toBe('sudo -n bash -s');
    const plain = commandLine('echo "$A"', { env: { A: 'x' } }, { user: 'root' }, {});
    expect(plain.command.startsWith('bash -c ')).toBe(true);
    expect(spawnSync('bash', ['-c', plain.command], { encoding: 'utf8' }).stdout).toBe('x\n');
    // a script that needs stdin for data cannot also carry secrets there: refused, not leaked
    expect(() => commandLine('cat', { secretEnv: { KF_JOIN_TOKEN: token }, stdin: 'data' }, { user: 'root' }, {})).toThrow(/with secrets and stdin input/);
  });

  it('sudo without password: sudo -n', () => {
    expect(commandLine('id -u', {}, { user: 'ops' }, {}).command).toBe(`sudo -n bash -c 'id -u'`);
    expect(commandLine('id -u', { sudo: false }, { user: 'ops' }, {}).command).toBe(`bash -c 'id -u'`);
  });

  it('sudo with a password: read from the named variable, fed on stdin before the script input, never on the command line', () => {
    const c = commandLine('cat', { stdin: 'data' }, { user: 'opspw', sudoPasswordEnv: 'KF_SUDO' }, { KF_SUDO: 'kflab-sudo' });
    expect(c.command).toBe(`sudo -k -S -p '' bash -c 'cat'`);
    expect(c.command).not.toContain('kflab-sudo');
    expect(c.stdin).toBe('kflab-sudo\ndata');
    expect(() => commandLine('true', {}, { user: 'opspw', sudoPasswordEnv: 'KF_SUDO' }, {})).toThrow('environment variable KF_SUDO (sudo password) is not set');
  });

  it('names sudo refusals', () => {
    expect(describeSudoFailure('sudo: a password is required\n', 'ops', undefined)).toBe('sudo asks ops for a password: set ssh.sudoPasswordEnv to the variable holding it, or allow NOPASSWD');
    expect(describeSudoFailure('sudo: 1 incorrect password attempt\n', 'opspw', 'KF_SUDO')).toBe('sudo refused the password of opspw from KF_SUDO');
    expect(describeSudoFailure('ops is not in the sudoers file.  This incident will be reported.\n', 'ops', undefined)).toBe('ops may not run commands as root with sudo');
    expect(describeSudoFailure('yum: error\n', 'ops', undefined)).toBeUndefined();
  });

  it('sends a script too big for one argument on stdin to bash -s', () => {
    const big = `x=${'a'.repeat(120_000)}\necho \${#x}`;
    const c = commandLine(big, {}, { user: 'root' }, {});
    expect(c.command).toBe('bash -s');
    const r = spawnSync('bash', ['-c', c.command], { encoding: 'utf8', input: c.stdin });
    expect(r.stdout).toBe('120000\n');
    expect(commandLine(big, {}, { user: 'opspw', sudoPasswordEnv: 'P' }, { P: 'pw' }).stdin?.startsWith('pw\nx=aaa')).toBe(true);
  });
});
