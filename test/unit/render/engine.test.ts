import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Renderer, TemplateError } from '../../../src/render/engine.ts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-tpl-'));
  fs.mkdirSync(path.join(dir, 'partials'));
  fs.writeFileSync(path.join(dir, 'partials', 'greet.hbs'), 'hello {{who}}\n');
  fs.writeFileSync(path.join(dir, 'a.hbs'), 'name={{host.name}} port={{host.port}}\n');
  fs.writeFileSync(path.join(dir, 'helpers.hbs'), '{{join list ","}}|{{#if (eq a "x")}}yes{{else}}no{{/if}}|{{json obj}}|{{sq q}}|{{indent text 2}}');
  fs.writeFileSync(path.join(dir, 'partial.hbs'), '{{> greet}}');
  fs.writeFileSync(path.join(dir, 'broken.hbs'), '{{#if x}}never closed');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('render engine', () => {
  it('renders values, helpers and partials from files', () => {
    const r = new Renderer(dir);
    expect(r.render('a.hbs', { host: { name: 'n1', port: 22 } })).toBe('name=n1 port=22\n');
    expect(r.render('helpers.hbs', { list: [1, 2], a: 'x', obj: { k: ['v'] }, q: "it's", text: 'l1\nl2' }))
      .toBe(`1,2|yes|{"k":["v"]}|'it'\\''s'|  l1\n  l2`);
    expect(r.render('partial.hbs', { who: 'world' })).toBe('hello world\n');
  });

  it('fails on a missing variable, naming the template and the variable', () => {
    const r = new Renderer(dir);
    let err: unknown;
    try {
      r.render('a.hbs', { host: { name: 'n1' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toBe('template a.hbs: missing variable "port" at line 1, column 27');
  });

  it('fails on a missing template and on a syntax error, naming the template', () => {
    const r = new Renderer(dir);
    expect(() => r.render('nope.hbs', {})).toThrow(/^template nope\.hbs: not found/);
    expect(() => r.render('broken.hbs', { x: true })).toThrow(/^template broken\.hbs: Parse error/);
  });

  it('compiles each template once (a changed file is not re-read)', () => {
    const file = path.join(dir, 'cached.hbs');
    fs.writeFileSync(file, 'v1 {{x}}');
    const r = new Renderer(dir);
    expect(r.render('cached.hbs', { x: 1 })).toBe('v1 1');
    fs.writeFileSync(file, 'v2 {{x}}');
    expect(r.render('cached.hbs', { x: 2 })).toBe('v1 2');
    expect(new Renderer(dir).render('cached.hbs', { x: 3 })).toBe('v2 3');
  });

  it('every project template compiles in strict mode', async () => {
    const { TEMPLATES_DIR } = await import('../../../src/render/engine.ts');
    const Handlebars = (await import('handlebars')).default;
    const all = fs.readdirSync(TEMPLATES_DIR, { recursive: true }).map(String).filter((f) => f.endsWith('.hbs'));
    expect(all.length).toBeGreaterThan(50);
    for (const f of all) {
      expect(() => Handlebars.precompile(fs.readFileSync(path.join(TEMPLATES_DIR, f), 'utf8'), { strict: true }), f).not.toThrow();
    }
  });
});

describe('project templates', () => {
  it('a step template rendered without a value it needs names the template and the variable', async () => {
    const { render } = await import('../../../src/render/engine.ts');
    expect(() => render('steps/os/hostname.check.sh.hbs', { step: { id: 'os.hostname', title: 't' }, host: {} }))
      .toThrow('template steps/os/hostname.check.sh.hbs: missing variable "name"');
    expect(() => render('files/chrony.conf.hbs', {})).toThrow('template files/chrony.conf.hbs: missing variable: the object holding "ntpServers" is undefined');
  });

  it('a missing partial is named', () => {
    fs.writeFileSync(path.join(dir, 'nopartial.hbs'), '{{> nope}}\n');
    expect(() => new Renderer(dir).render('nopartial.hbs', {})).toThrow('template nopartial.hbs: missing partial "nope"');
  });
});

describe('strictness beyond handlebars strict mode', () => {
  it('{{#each}} over a missing list is an error, not an empty loop', () => {
    fs.writeFileSync(path.join(dir, 'each.hbs'), '{{#each list}}{{this}}{{/each}}');
    const r = new Renderer(dir);
    expect(r.render('each.hbs', { list: ['a', 'b'] })).toBe('ab');
    expect(r.render('each.hbs', { list: [] })).toBe('');
    expect(() => r.render('each.hbs', {})).toThrow('template each.hbs: {{#each}} over a missing value');
  });
});

describe('compiled-template cache', () => {
  it('reuses compiled forms from a private cache file only, and survives a broken entry', async () => {
    const Handlebars = (await import('handlebars')).default;
    const saved = process.env.KUBEFORGE_CACHE_DIR;
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-tplcache-'));
    process.env.KUBEFORGE_CACHE_DIR = cache;
    const file = path.join(cache, 'templates', 'compiled.json');
    const plant = (spec: string) => {
      const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(entries)).toHaveLength(1);
      fs.writeFileSync(file, JSON.stringify({ [Object.keys(entries)[0]]: spec }));
    };
    const fresh = (x: number) => {
      const r = new Renderer(dir);
      const out = r.render('c.hbs', { x });
      r.flushCache();
      return out;
    };
    try {
      fs.writeFileSync(path.join(dir, 'c.hbs'), 'real {{x}}');
      expect(fresh(1)).toBe('real 1');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // a planted entry is used from a private file of ours (proof the cache is read)...
      plant(String(Handlebars.precompile('planted {{x}}', { strict: true, noEscape: true })));
      expect(fresh(2)).toBe('planted 2');
      // ...but never from a file others can write
      fs.chmodSync(file, 0o666);
      expect(fresh(3)).toBe('real 3');
      // a broken entry is compiled again (and the cache repaired)
      plant('{ this is not javascript');
      fs.chmodSync(file, 0o600);
      expect(fresh(4)).toBe('real 4');
    } finally {
      if (saved === undefined) delete process.env.KUBEFORGE_CACHE_DIR;
      else process.env.KUBEFORGE_CACHE_DIR = saved;
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('templates/files/ is host-independent', () => {
  it('no file template reads host values (their renders are shared between hosts)', async () => {
    const { TEMPLATES_DIR } = await import('../../../src/render/engine.ts');
    const dirFiles = path.join(TEMPLATES_DIR, 'files');
    for (const f of fs.readdirSync(dirFiles)) {
      const src = fs.readFileSync(path.join(dirFiles, f), 'utf8');
      expect(src, f).not.toMatch(/\{\{[^}]*\b(host|hosts|masters|facts)\b/);
    }
  });
});
