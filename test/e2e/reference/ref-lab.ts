/**
 * A lab driven the way a person follows the walkthrough: plain `ssh root@ADDR 'commands'`,
 * no kubeforge code on the hosts' side. The lab itself is brought up and down with the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;

export interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RefHost {
  name: string;
  address: string;
  role: 'master' | 'worker';
}

/** One named shell step; a step that fails stops its host's list with the step's name. */
export interface Step {
  name: string;
  sh: string;
  /** fed to the command's stdin (file contents copied over, like `ssh host 'cat > f' < f`) */
  input?: string;
}

export class StepError extends Error {
  constructor(readonly host: string, readonly step: string, readonly out: Out) {
    super(`${host}: step "${step}" exited ${out.code}\n${out.stderr || out.stdout}`);
  }
}

export class RefLab {
  readonly hosts: RefHost[];
  private readonly key: string;
  private readonly knownHosts: string;

  private constructor(readonly cwd: string) {
    const inv = YAML.parse(fs.readFileSync(path.join(cwd, '.kubeforge/lab/inventory.yaml'), 'utf8')) as {
      ssh: { privateKeyPath: string; knownHostsFile: string };
      hosts: RefHost[];
    };
    this.hosts = inv.hosts;
    this.key = inv.ssh.privateKeyPath;
    this.knownHosts = inv.ssh.knownHostsFile;
  }

  /** A lab already up in cwd (for trying steps by hand). */
  static at(cwd: string): RefLab {
    return new RefLab(cwd);
  }

  static async up(n: number, osName: 'centos7' | 'rocky9'): Promise<RefLab> {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-ref-'));
    const r = await execa('node', [bin, 'lab', 'up', String(n), '--os', osName], { cwd, reject: false, timeout: 180_000 });
    if (r.exitCode !== 0) throw new Error(`lab up failed: ${String(r.stderr)}`);
    return new RefLab(cwd);
  }

  get master(): RefHost {
    return this.hosts[0]!;
  }

  get workers(): RefHost[] {
    return this.hosts.filter((h) => h.role === 'worker');
  }

  async kf(args: string[]): Promise<Out> {
    const r = await execa('node', [bin, ...args], { cwd: this.cwd, reject: false, timeout: 120_000 });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async ssh(h: RefHost, command: string, input = '', timeoutMs = 240_000): Promise<Out> {
    const r = await execa('ssh', [
      '-i', this.key, '-o', `UserKnownHostsFile=${this.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR', `root@${h.address}`, command,
    ], { reject: false, input, timeout: timeoutMs });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Runs the steps in order on one host, stopping at the first that fails (throws StepError). */
  async steps(h: RefHost, steps: Step[]): Promise<void> {
    for (const s of steps) {
      const out = await this.ssh(h, s.sh, s.input ?? '');
      if (out.code !== 0) throw new StepError(h.name, s.name, out);
    }
  }

  /** The same step list on several hosts at once, as a person with a few terminals would. */
  async everywhere(hosts: RefHost[], steps: (h: RefHost) => Step[]): Promise<void> {
    await Promise.all(hosts.map((h) => this.steps(h, steps(h))));
  }

  /** Polls a command on a host until its stdout passes the check (or the time is up). */
  async until(h: RefHost, command: string, ok: (stdout: string) => boolean, timeoutMs = 120_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      const out = await this.ssh(h, command);
      last = out.stdout + out.stderr;
      if (out.code === 0 && ok(out.stdout)) return out.stdout;
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`${h.name}: gave up waiting on \`${command}\`; last output:\n${last}`);
  }

  async down(): Promise<void> {
    await this.kf(['lab', 'down']);
    fs.rmSync(this.cwd, { recursive: true, force: true });
  }
}
