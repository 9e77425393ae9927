/**
 * A Host for runner tests: scripts run in local bash, files land on the local
 * disk. Counts execs and the most hosts busy at once; can be told to fail.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HostError, type Host, type RunOptions, type RunResult } from '../../../src/hosts/host.ts';

export class Busy {
  now = 0;
  max = 0;
}

export class LocalHost implements Host {
  readonly endpoint: string;
  execs: string[] = [];
  puts: string[] = [];
  /** make the connection fail like an unreachable host */
  unreachable = false;
  closed = false;

  constructor(readonly name: string, private readonly busy = new Busy(), private readonly env: Record<string, string> = {}) {
    this.endpoint = `local-${name}:22`;
  }

  async run(script: string, opts: RunOptions = {}): Promise<RunResult> {
    if (this.unreachable) throw new HostError(this.name, this.endpoint, 'unreachable: connection refused (is sshd listening on that port?)');
    this.execs.push(script);
    this.busy.now++;
    this.busy.max = Math.max(this.busy.max, this.busy.now);
    const t0 = performance.now();
    try {
      return await new Promise<RunResult>((resolve) => {
        const p = spawn('bash', ['-c', script], { env: { ...process.env, ...this.env, ...opts.env, ...opts.secretEnv, HOST: this.name } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr, durationMs: Math.round(performance.now() - t0) }));
        // a script that exits without reading its stdin closes the pipe first
        p.stdin.on('error', () => undefined);
        p.stdin.end(opts.stdin ?? '');
      });
    } finally {
      this.busy.now--;
    }
  }

  async put(path: string, content: string | Buffer, mode: number): Promise<void> {
    this.puts.push(path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, mode);
  }

  async get(path: string): Promise<Buffer> {
    return readFileSync(path);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
