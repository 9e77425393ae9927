// The Perl shim client against the daemon's real connection handler (shim-server.ts), over a
// temp unix socket: what the client sends, what it relays, stdin on demand, exec, hang.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { onShimConnection, type ShimHandler } from '../../../scripts/lab/shim-server.ts';
import type { ShimRequest } from '../../../scripts/lab/protocol.ts';

const client = new URL('../../../scripts/lab/guest/client.pl', import.meta.url).pathname;
let dir: string;
let server: net.Server;
let sock: string;
let handler: ShimHandler;
const seen: ShimRequest[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-shim-'));
  sock = path.join(dir, 'sim.sock');
  server = net.createServer((s) => onShimConnection(s, (req, stdin) => {
    seen.push(req);
    return handler(req, stdin);
  }, () => undefined));
  await new Promise<void>((r) => server.listen(sock, r));
  for (const name of ['sysctl', 'kubectl', 'tool']) fs.symlinkSync(client, path.join(dir, name));
});

afterAll(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const shim = (name: string, args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string; timeout?: number } = {}) =>
  execa(path.join(dir, name), args, {
    reject: false,
    input: opts.input,
    cwd: opts.cwd ?? dir,
    timeout: opts.timeout ?? 10_000,
    env: { KFLAB_SIM_SOCK: sock, KUBECONFIG: '/etc/kubernetes/admin.conf', SECRET: 'not sent', ...opts.env },
    extendEnv: false,
    encoding: 'buffer',
    stripFinalNewline: false,
  });

describe('the shim client', () => {
  it('sends argv with the name it was called by, cwd, uid, user and only the listed env vars', async () => {
    handler = async () => ({ code: 0 });
    seen.length = 0;
    const r = await shim('sysctl', ['-w', 'a.b=1', '', 'with space']);
    expect(r.exitCode).toBe(0);
    expect(seen[0].argv).toEqual(['sysctl', '-w', 'a.b=1', '', 'with space']);
    expect(seen[0].cwd).toBe(fs.realpathSync(dir));
    expect(seen[0].uid).toBe(process.getuid!());
    expect(seen[0].user).toBe(os.userInfo().username);
    expect(seen[0].env).toEqual({ KUBECONFIG: '/etc/kubernetes/admin.conf' });
  });

  it('relays stdout (binary-safe), stderr and the exit code', async () => {
    const bin = Buffer.from([0, 1, 2, 255, 10, 0]);
    handler = async () => ({ code: 3, stdout: bin, stderr: 'sysctl: cannot stat /proc/sys/x: No such file or directory\n' });
    const r = await shim('sysctl', ['x']);
    expect(r.exitCode).toBe(3);
    expect(Buffer.compare(Buffer.from(r.stdout), bin)).toBe(0);
    expect(Buffer.from(r.stderr).toString()).toBe('sysctl: cannot stat /proc/sys/x: No such file or directory\n');
  });

  it('never reads stdin unless asked: a command with an open, silent stdin still ends', async () => {
    handler = async () => ({ code: 0, stdout: 'done\n' });
    const p = execa(path.join(dir, 'tool'), [], { env: { KFLAB_SIM_SOCK: sock }, reject: false, timeout: 5000 });
    // stdin stays open (never ended)
    const r = await p;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('done');
  });

  it('sends stdin when the simulator asks for it (kubectl apply -f -)', async () => {
    handler = async (_req, stdin) => {
      const text = (await stdin()).toString();
      return { code: 0, stdout: `got ${text.length} bytes: ${text.split('\n')[0]}\n` };
    };
    const manifest = 'apiVersion: v1\nkind: Namespace\n' + 'x'.repeat(200_000);
    const r = await shim('kubectl', ['apply', '-f', '-'], { input: manifest });
    expect(Buffer.from(r.stdout).toString()).toBe(`got ${manifest.length} bytes: apiVersion: v1\n`);
  });

  it('execs a real binary when the simulator answers exec', async () => {
    handler = async () => ({ code: 0, exec: { path: '/bin/echo', args: ['from', 'exec'] } });
    const r = await shim('tool', []);
    expect(Buffer.from(r.stdout).toString()).toBe('from exec\n');
  });

  it('hangs when the simulator never answers, until killed', async () => {
    handler = async () => 'hang';
    const r = await shim('tool', [], { timeout: 600 });
    expect(r.timedOut).toBe(true);
  });

  it('says so and exits 127 when the simulator is unreachable', async () => {
    const r = await shim('tool', [], { env: { KFLAB_SIM_SOCK: path.join(dir, 'nothing.sock') } });
    expect(r.exitCode).toBe(127);
    expect(Buffer.from(r.stderr).toString()).toMatch(/^lab: simulator unreachable/);
  });
});
