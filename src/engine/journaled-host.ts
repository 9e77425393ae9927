/** A Host whose every command and file transfer lands in the journal, under the current step's label. */
import type { Host, RunOptions, RunResult } from '../hosts/host.ts';
import type { Journal } from './journal.ts';

export class JournaledHost implements Host {
  /** what the next operations belong to, e.g. "os.selinux" or "facts" */
  label = '';

  constructor(readonly inner: Host, private readonly journal: Journal) {}

  get name(): string {
    return this.inner.name;
  }

  get endpoint(): string {
    return this.inner.endpoint;
  }

  async run(script: string, opts?: RunOptions): Promise<RunResult> {
    const t0 = performance.now();
    try {
      const r = await this.inner.run(script, opts);
      this.journal.logExec(this.name, this.label, script, r);
      return r;
    } catch (e) {
      this.journal.logExec(this.name, this.label, script, { error: (e as Error).message, durationMs: Math.round(performance.now() - t0) });
      throw e;
    }
  }

  async put(path: string, content: string | Buffer, mode: number): Promise<void> {
    const t0 = performance.now();
    try {
      await this.inner.put(path, content, mode);
      this.journal.note(this.name, `=== ${new Date().toISOString()} ${this.label}\nput ${path} mode ${mode.toString(8)} (${Buffer.byteLength(content)} bytes) in ${Math.round(performance.now() - t0)} ms`);
    } catch (e) {
      this.journal.note(this.name, `=== ${new Date().toISOString()} ${this.label}\nput ${path} failed: ${(e as Error).message}`);
      throw e;
    }
  }

  async get(path: string): Promise<Buffer> {
    const b = await this.inner.get(path);
    this.journal.note(this.name, `=== ${new Date().toISOString()} ${this.label}\nget ${path} (${b.length} bytes)`);
    return b;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stop(): Promise<void> {
    return this.inner.stop ? this.inner.stop() : this.inner.close();
  }
}
