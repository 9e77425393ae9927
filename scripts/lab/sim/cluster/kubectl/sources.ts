/** -f FILE | DIR | - | URL: the documents kubectl reads, each with the source name its messages use. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { answerHttp } from '../../registry.ts';
import type { KubeObject } from '../types.ts';
import { isObject } from '../util.ts';
import { bool, flags } from './args.ts';
import type { Kc } from './kc.ts';

export interface Doc { source: string; obj: KubeObject }

function listDir(kc: Kc, dir: string, recursive: boolean): string[] {
  const abs = kc.sim.path(dir);
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...listDir(kc, p, true));
    } else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

function parseDocs(text: string, source: string): { docs: Doc[]; error?: string } {
  const docs: Doc[] = [];
  let parsed: YAML.Document.Parsed[];
  try {
    parsed = YAML.parseAllDocuments(text) as YAML.Document.Parsed[];
  } catch (err) {
    return { docs, error: `error: error parsing ${source}: ${(err as Error).message.split('\n')[0]}` };
  }
  for (const d of parsed) {
    if (d.errors.length) return { docs, error: `error: error parsing ${source}: error converting YAML to JSON: yaml: ${d.errors[0].message.split('\n')[0]}` };
    const v: unknown = d.toJS();
    if (v === null || v === undefined) continue;
    if (!isObject(v)) return { docs, error: `error: error parsing ${source}: error converting YAML to JSON: yaml: cannot unmarshal into an object` };
    const items = v.kind === 'List' || (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) ? (v.items as unknown[]) : [v];
    for (const it of items) if (isObject(it)) docs.push({ source, obj: it as KubeObject });
  }
  return { docs };
}

/** Every document of every -f; an unreadable source is kubectl's error for it. */
export async function readSources(kc: Kc): Promise<{ docs: Doc[]; error?: string }> {
  const files = flags(kc.args, 'filename');
  if (files.length === 0) return { docs: [], error: 'error: must specify one of -f and -k' };
  const docs: Doc[] = [];
  for (const f of files) {
    let texts: { text: string; source: string }[] = [];
    if (f === '-') texts = [{ text: (await kc.sim.readStdin()).toString('utf8'), source: 'STDIN' }];
    else if (/^https?:\/\//.test(f)) {
      const a = await answerHttp(kc.sim, new URL(f));
      if (!a || a.error) {
        const u = new URL(f);
        const port = u.port || (u.protocol === 'https:' ? '443' : '80');
        const why = a?.error === 'timeout' ? `dial tcp ${u.hostname}:${port}: i/o timeout`
          : a?.error === 'refused' ? `dial tcp ${u.hostname}:${port}: connect: connection refused`
            : `dial tcp: lookup ${u.hostname} on 127.0.0.1:53: read udp 127.0.0.1:39611->127.0.0.1:53: read: connection refused`;
        return { docs, error: `error: Get "${f}": ${why}` };
      }
      if (a.status !== 200) return { docs, error: `error: unable to read URL "${f}", server reported ${a.status} ${a.status === 404 ? 'Not Found' : 'Error'}, status code=${a.status}` };
      texts = [{ text: a.body, source: f }];
    } else {
      let st: fs.Stats;
      try {
        st = fs.statSync(kc.sim.path(f));
      } catch {
        return { docs, error: `error: the path "${f}" does not exist` };
      }
      const paths = st.isDirectory() ? listDir(kc, f, bool(kc.args, 'recursive')) : [f];
      texts = paths.map((p) => ({ text: fs.readFileSync(kc.sim.path(p), 'utf8'), source: p }));
    }
    for (const t of texts) {
      const r = parseDocs(t.text, t.source);
      if (r.error) return { docs, error: r.error };
      docs.push(...r.docs);
    }
  }
  if (docs.length === 0) return { docs, error: 'error: no objects passed to apply' };
  return { docs };
}
