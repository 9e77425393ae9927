/**
 * Compiled templates kept between runs: compiling is most of a cold `plan`. One JSON file
 * (<cache>/templates/compiled.json: source hash -> handlebars' precompiled form) read once and
 * written once, at exit, when something new was compiled. It holds code, so it is only read
 * from a file and directory of this user's that no one else can write.
 */
import fs from 'node:fs';
import path from 'node:path';

const ownedPrivately = (p: string): boolean => {
  const st = fs.statSync(p);
  return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
};

export class CompiledCache {
  private entries: Record<string, string> | undefined;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(readonly file: string) {}

  get(key: string): string | undefined {
    this.used.add(key);
    return this.load()[key];
  }

  set(key: string, spec: string): void {
    this.load()[key] = spec;
    this.used.add(key);
    if (!this.dirty) {
      this.dirty = true;
      process.once('exit', () => this.flush());
    }
  }

  /** Write the entries this process used (older ones drop out). Errors only cost speed. */
  flush(): void {
    if (!this.dirty || !this.entries) return;
    this.dirty = false;
    const keep: Record<string, string> = {};
    for (const k of this.used) if (this.entries[k] !== undefined) keep[k] = this.entries[k];
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify(keep), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // an unwritable cache only costs speed
    }
  }

  private load(): Record<string, string> {
    if (this.entries) return this.entries;
    this.entries = {};
    try {
      if (ownedPrivately(path.dirname(this.file)) && ownedPrivately(this.file)) {
        const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.entries[k] = v;
        }
      }
    } catch {
      // missing or unreadable: start empty
    }
    return this.entries;
  }
}
