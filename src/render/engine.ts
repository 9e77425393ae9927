/**
 * Template rendering: every file that lands on a host and every step script is a
 * handlebars file under templates/. Strict mode: a missing variable is an error that
 * names the template and the variable, never an empty string in a script.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../package-root.ts';
import { cacheDir } from './cache-dir.ts';
import { CompiledCache } from './compiled-cache.ts';

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

export class TemplateError extends Error {
  constructor(readonly template: string, message: string) {
    super(`template ${template}: ${message}`);
    this.name = 'TemplateError';
  }
}

type Compiled = Handlebars.TemplateDelegate;
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;
/** changes with the options and the handlebars version: a stale compiled form is never used */
const COMPILE_KEY = JSON.stringify([Handlebars.VERSION, COMPILE_OPTIONS]);

/** A template set rooted at one directory; compiled templates are cached. */
export class Renderer {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();

  private readonly partials: Map<string, string>;
  private readonly compiledCache = new CompiledCache(path.join(cacheDir(), 'templates', 'compiled.json'));

  constructor(readonly dir: string = TEMPLATES_DIR) {
    registerHelpers(this.hb);
    this.partials = this.loadPartials();
  }

  /** Render templates/<name> (name includes the extension, e.g. "os/selinux.check.sh.hbs"). */
  render(name: string, context: object): string {
    const tpl = this.compiled(name);
    try {
      return tpl(context);
    } catch (err) {
      throw new TemplateError(name, explain(err));
    }
  }

  private compiled(name: string): Compiled {
    let tpl = this.cache.get(name);
    if (tpl) return tpl;
    const file = path.join(this.dir, name);
    let source: string;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch {
      throw new TemplateError(name, `not found (${file})`);
    }
    tpl = this.compile(name, this.expandPartials(name, source));
    this.cache.set(name, tpl);
    return tpl;
  }

  private compile(name: string, source: string): Compiled {
    const key = createHash('sha256').update(COMPILE_KEY).update(source).digest('hex').slice(0, 32);
    const cached = this.compiledCache.get(key);
    if (cached) {
      try {
        return this.revive(cached);
      } catch {
        // unreadable cache entry: compile again below
      }
    }
    let spec: string;
    try {
      // noEscape: these are scripts and config files, not HTML.
      spec = String(this.hb.precompile(source, COMPILE_OPTIONS));
    } catch (err) {
      throw new TemplateError(name, explain(err));
    }
    this.compiledCache.set(key, spec);
    return this.revive(spec);
  }

  /** Write newly compiled templates to the cache now (it also happens at exit). */
  flushCache(): void {
    this.compiledCache.flush();
  }

  /** The precompiled form is a JavaScript object literal that handlebars itself produced. */
  private revive(spec: string): Compiled {
    return this.hb.template(new Function(`return ${spec};`)() as TemplateSpecification);
  }

  /**
   * templates/partials/<name>.hbs is usable as {{> name}} from any template. Partials are
   * pasted into the including source before compiling: same output for our context-less
   * partials, without handlebars' per-call partial machinery (thousands of calls in a plan).
   */
  private loadPartials(): Map<string, string> {
    const out = new Map<string, string>();
    const dir = path.join(this.dir, 'partials');
    if (!fs.existsSync(dir)) return out;
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.hbs')) out.set(f.slice(0, -'.hbs'.length), fs.readFileSync(path.join(dir, f), 'utf8'));
    }
    return out;
  }

  private expandPartials(name: string, source: string, depth = 0): string {
    if (depth > 10) throw new TemplateError(name, 'partials nested more than 10 deep');
    return source.replace(/\{\{>\s*([\w-]+)\s*\}\}(\n?)/g, (_m, partial: string, nl: string) => {
      const body = this.partials.get(partial);
      if (body === undefined) throw new TemplateError(name, `missing partial "${partial}"`);
      // a standalone {{> x}} line becomes the partial's lines (which end with their own newline)
      const text = this.expandPartials(name, body, depth + 1);
      return nl && text.endsWith('\n') ? text : text + nl;
    });
  }
}

/** Handlebars' strict error reads `"x" not defined in [object Object] - 3:4`: say it plainly. */
function explain(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/s.exec(msg);
  if (m) return `missing variable "${m[1]}" at line ${m[2]}, column ${Number(m[3]) + 1}`;
  // strict mode assumes the objects on a helper argument's path exist
  const p = /^Cannot read properties of (undefined|null) \(reading '([^']+)'\)$/.exec(msg);
  if (p) return `missing variable: the object holding "${p[2]}" is ${p[1]}`;
  return msg;
}

function registerHelpers(hb: typeof Handlebars): void {
  // strict mode does not cover block helper arguments: {{#each missing}} would render nothing
  const each = hb.helpers.each;
  hb.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    if (context === undefined || context === null) throw new Error('{{#each}} over a missing value');
    return each.call(this, context, options);
  });
  const plain = (args: unknown[]): unknown[] => args.slice(0, -1); // drop handlebars' options argument
  hb.registerHelper('join', (...args: unknown[]) => {
    const [list, sep] = plain(args);
    if (!Array.isArray(list)) throw new Error('join: first argument must be a list');
    return list.join(typeof sep === 'string' ? sep : ' ');
  });
  hb.registerHelper('indent', (...args: unknown[]) => {
    const [text, n] = plain(args);
    const pad = ' '.repeat(Number(n));
    return String(text).split('\n').map((l) => (l ? pad + l : l)).join('\n');
  });
  hb.registerHelper('eq', (...args: unknown[]) => {
    const [a, b] = plain(args);
    return a === b;
  });
  hb.registerHelper('ne', (...args: unknown[]) => {
    const [a, b] = plain(args);
    return a !== b;
  });
  hb.registerHelper('json', (...args: unknown[]) => JSON.stringify(plain(args)[0]));
  /** single-quote a value for bash */
  hb.registerHelper('sq', (...args: unknown[]) => `'${String(plain(args)[0]).replace(/'/g, `'\\''`)}'`);
}

let shared: Renderer | undefined;
/** The project's templates, compiled once per process. */
export const renderer = (): Renderer => (shared ??= new Renderer());
export const render = (name: string, context: object): string => renderer().render(name, context);
