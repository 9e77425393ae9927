/** kubectl's command line: verbs and positional words, flags in --a=b / --a b / -ob / -o b forms. */

const VALUE_FLAGS: Record<string, string> = {
  n: 'namespace', namespace: 'namespace', o: 'output', output: 'output', l: 'selector', selector: 'selector',
  'field-selector': 'field-selector', f: 'filename', filename: 'filename', kubeconfig: 'kubeconfig', s: 'server', server: 'server',
  type: 'type', p: 'patch', patch: 'patch', for: 'for', timeout: 'timeout', 'grace-period': 'grace-period', context: 'context',
  'from-literal': 'from-literal', 'from-file': 'from-file', 'sort-by': 'sort-by', template: 'template', c: 'container', container: 'container',
  tail: 'tail', image: 'image', replicas: 'replicas', 'dry-run': 'dry-run', validate: 'validate', 'field-manager': 'field-manager',
  v: 'v', 'request-timeout': 'request-timeout', 'docker-server': 'docker-server', 'docker-username': 'docker-username',
  'docker-password': 'docker-password', 'docker-email': 'docker-email', 'skip-wait-for-delete-timeout': 'skip-wait-for-delete-timeout',
  'pod-selector': 'pod-selector', cascade: 'cascade', namespaced: 'namespaced', raw: 'raw', 'allow-missing-template-keys': 'allow-missing-template-keys',
};
const BOOL_FLAGS: Record<string, string> = {
  A: 'all-namespaces', 'all-namespaces': 'all-namespaces', all: 'all', 'no-headers': 'no-headers', 'show-labels': 'show-labels',
  'ignore-daemonsets': 'ignore-daemonsets', 'delete-emptydir-data': 'delete-emptydir-data', 'delete-local-data': 'delete-local-data',
  force: 'force', overwrite: 'overwrite', client: 'client', short: 'short', R: 'recursive', recursive: 'recursive',
  'ignore-not-found': 'ignore-not-found', w: 'watch', watch: 'watch', wait: 'wait', 'insecure-skip-tls-verify': 'insecure-skip-tls-verify',
  'disable-eviction': 'disable-eviction', 'save-config': 'save-config', 'server-side': 'server-side', 'force-conflicts': 'force-conflicts',
  local: 'local', 'show-kind': 'show-kind', 'containers': 'containers', 'use-protocol-buffers': 'use-protocol-buffers', 'sort-by-cpu': 'sort-by-cpu',
  prune: 'prune', previous: 'previous', 'list': 'list', follow: 'follow', timestamps: 'timestamps',
};
// boolean flags that can also take "=value" (--validate=false, --dry-run=client) live in VALUE_FLAGS with a default
const OPTIONAL_VALUE: Record<string, string> = { 'dry-run': 'client', validate: 'true', namespaced: 'true' };

export interface Args {
  words: string[];
  flags: Map<string, string[]>;
  /** flags kubectl would not know */
  unknown: string[];
}

export function parseArgs(argv: string[]): Args {
  const words: string[] = [];
  const flags = new Map<string, string[]>();
  const unknown: string[] = [];
  const set = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (BOOL_FLAGS[name]) set(BOOL_FLAGS[name], inline ?? 'true');
      else if (VALUE_FLAGS[name]) {
        if (inline !== undefined) set(VALUE_FLAGS[name], inline);
        else if (OPTIONAL_VALUE[name]) set(VALUE_FLAGS[name], OPTIONAL_VALUE[name]);
        else if (i + 1 < argv.length) set(VALUE_FLAGS[name], argv[++i]);
        else unknown.push(a);
      } else unknown.push(a);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const letter = a[1];
      const rest = a.slice(2).replace(/^=/, '');
      if (BOOL_FLAGS[letter] && a.length === 2) set(BOOL_FLAGS[letter], 'true');
      else if (VALUE_FLAGS[letter]) {
        if (rest) set(VALUE_FLAGS[letter], rest);
        else if (i + 1 < argv.length) set(VALUE_FLAGS[letter], argv[++i]);
        else unknown.push(a);
      } else unknown.push(a);
      continue;
    }
    words.push(a);
  }
  return { words, flags, unknown };
}

export const flag = (a: Args, name: string): string | undefined => a.flags.get(name)?.at(-1);
export const flags = (a: Args, name: string): string[] => a.flags.get(name) ?? [];
export const bool = (a: Args, name: string): boolean => {
  const v = flag(a, name);
  return v !== undefined && v !== 'false';
};

/** "300s", "5m", "1h30m" -> ms (kubectl's Go durations); a bare number is seconds for --timeout of some verbs. */
export function parseDuration(s: string | undefined, dfltMs: number): number {
  if (!s) return dfltMs;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) ms += Number(m[1]) * ({ ms: 1, s: 1000, m: 60000, h: 3600000 } as Record<string, number>)[m[2]];
  return ms;
}
