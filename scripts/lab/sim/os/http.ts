/**
 * curl and wget on a lab host. Every URL is answered by the lab (the mirror table, then the
 * HTTP handlers other areas register); anything unclaimed fails the way an unreachable
 * address does from a host with no DNS and no default route.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { mirrorAnswer } from '../data/mirrors.ts';
import { registerHttp } from '../registry.ts';
import { hostZone, strftime } from './host.ts';
import { fetchUrl, type Fetched } from './repos.ts';

/** The mirror table as an HTTP handler, for other areas' probes through answerHttp. */
export function registerMirrorHttp(): void {
  registerHttp('os-mirrors', async (ctx, url) => {
    const m = mirrorAnswer(url.href, ctx.options.registryView, ctx.faults());
    if (!m) return undefined;
    if (m.error) return { status: 0, body: '', error: m.error };
    return { status: m.status, body: m.body };
  });
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 301: 'Moved Permanently', 302: 'Found', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

const withScheme = (u: string): string => (/^[a-z]+:\/\//i.test(u) ? u : `http://${u}`);

/** A down lab host does not answer ARP: "No route to host" rather than "refused". */
function labHostDown(ctx: SimContext, host: string): boolean {
  const h = ctx.hosts().find((x) => x.address === host);
  if (!h || h.name === ctx.host.name) return false;
  const p = ctx.peer(h.name);
  return !p?.running || !p.runtime().networkUp;
}

function curlError(ctx: SimContext, f: NonNullable<Fetched['failure']>, timeoutS: number | undefined, connectOnly: boolean): { code: number; msg: string } {
  const el7 = ctx.host.os === 'centos7';
  switch (f.kind) {
    case 'dns':
      return { code: 6, msg: el7 ? `curl: (6) Could not resolve host: ${f.host}; Unknown error` : `curl: (6) Could not resolve host: ${f.host}` };
    case 'refused':
      if (labHostDown(ctx, f.host)) return { code: 7, msg: el7 ? `curl: (7) Failed connect to ${f.host}:${f.port}; No route to host` : `curl: (7) Failed to connect to ${f.host} port ${f.port}: No route to host` };
      return { code: 7, msg: el7 ? `curl: (7) Failed connect to ${f.host}:${f.port}; Connection refused` : `curl: (7) Failed to connect to ${f.host} port ${f.port}: Connection refused` };
    case 'unreachable':
      return { code: 7, msg: el7 ? `curl: (7) Failed connect to ${f.host}:${f.port}; Network is unreachable` : `curl: (7) Failed to connect to ${f.host} port ${f.port}: Network is unreachable` };
    case 'timeout':
      if (timeoutS !== undefined) {
        const ms = Math.round(timeoutS * 1000) + 1;
        return { code: 28, msg: connectOnly || !el7 ? `curl: (28) Connection timed out after ${ms} milliseconds` : `curl: (28) Operation timed out after ${ms} milliseconds with 0 out of -1 bytes received` };
      }
      return el7 ? { code: 7, msg: `curl: (7) Failed connect to ${f.host}:${f.port}; Connection timed out` } : { code: 28, msg: `curl: (28) Failed to connect to ${f.host} port ${f.port}: Connection timed out` };
    default:
      return { code: 22, msg: '' };
  }
}

const get = (ctx: SimContext, url: string): Promise<Fetched> => fetchUrl(ctx, url);

export async function curl(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let silent = false;
  let showErr = false;
  let failHttp = false;
  let head = false;
  let include = false;
  let out: string | undefined;
  let remoteName = false;
  let wfmt: string | undefined;
  let maxTime: number | undefined;
  let connTimeout: number | undefined;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = (): string => args[++i] ?? '';
    if (a === '--silent') silent = true;
    else if (a === '--show-error') showErr = true;
    else if (a === '--fail') failHttp = true;
    else if (a === '--location' || a === '--insecure' || a === '--compressed' || a === '--globoff' || a === '--no-progress-meter') continue;
    else if (a === '--head') head = true;
    else if (a === '--include') include = true;
    else if (a === '--output') out = next();
    else if (a === '--remote-name') remoteName = true;
    else if (a === '--write-out') wfmt = next();
    else if (a === '--max-time') maxTime = Number(next());
    else if (a === '--connect-timeout') connTimeout = Number(next());
    else if (a === '--retry' || a === '--retry-delay' || a === '--retry-max-time' || a === '--header' || a === '--user-agent' || a === '--cacert' || a === '--cert' || a === '--key' || a === '--request') {
      const v = next();
      if (a === '--request' && !['GET', 'HEAD'].includes(v.toUpperCase())) return unsupported(ctx);
      if (a === '--request' && v.toUpperCase() === 'HEAD') head = true;
    } else if (a.startsWith('--') && a.includes('=')) {
      const [k, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      if (k === '--max-time') maxTime = Number(v);
      else if (k === '--connect-timeout') connTimeout = Number(v);
      else if (k === '--output') out = v;
      else if (k === '--write-out') wfmt = v;
      else if (!['--retry', '--header', '--user-agent', '--cacert'].includes(k)) return unsupported(ctx);
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const rest = (): string => {
          const r = a.slice(j + 1);
          j = a.length;
          return r || next();
        };
        if (c === 's') silent = true;
        else if (c === 'S') showErr = true;
        else if (c === 'f') failHttp = true;
        else if (c === 'L' || c === 'k' || c === 'g' || c === 'v') continue;
        else if (c === 'I') head = true;
        else if (c === 'i') include = true;
        else if (c === 'O') remoteName = true;
        else if (c === 'o') out = rest();
        else if (c === 'w') wfmt = rest();
        else if (c === 'm') maxTime = Number(rest());
        else if (c === 'H' || c === 'A' || c === 'u') rest();
        else if (c === 'X') {
          const m = rest().toUpperCase();
          if (m === 'HEAD') head = true;
          else if (m !== 'GET') return unsupported(ctx);
        } else return unsupported(ctx);
      }
    } else if (a.startsWith('-')) return unsupported(ctx);
    else urls.push(a);
  }
  if (urls.length === 0) return fail(2, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const raw of urls) {
    const url = withScheme(raw);
    const f = await get(ctx, url);
    let httpCode = '000';
    if (f.failure && f.failure.kind !== 'http') {
      const e = curlError(ctx, f.failure, connTimeout ?? maxTime, connTimeout !== undefined);
      if (!silent || showErr) stderr += e.msg + '\n';
      code = e.code;
    } else {
      const status = f.status || f.failure?.status || 0;
      httpCode = String(status);
      const body = f.body;
      const headers = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      if (failHttp && status >= 400) {
        if (!silent || showErr) stderr += ctx.host.os === 'centos7' ? `curl: (22) The requested URL returned error: ${status} ${STATUS_TEXT[status] ?? ''}\n` : `curl: (22) The requested URL returned error: ${status}\n`;
        code = 22;
      } else {
        const content = head ? headers : (include ? headers : '') + body;
        const target = out ?? (remoteName ? (new URL(url).pathname.split('/').pop() || '') : undefined);
        if (target !== undefined && target !== '-') {
          if (!target) return fail(23, 'curl: Remote file name has no length!\n');
          const file = ctx.path(target);
          try {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, content);
          } catch {
            if (!silent || showErr) stderr += `curl: (23) Failed writing body (0 != ${content.length})\n`;
            code = 23;
          }
        } else stdout += content;
      }
    }
    if (wfmt !== undefined) stdout += wfmt.replace(/%\{http_code\}|%\{response_code\}/g, httpCode).replace(/\\n/g, '\n');
  }
  return { code, stdout, stderr };
}

export async function wget(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let out: string | undefined;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-O' || a === '--output-document') out = args[++i];
    else if (a.startsWith('-O') && a.length > 2) out = a.slice(2);
    else if (a.startsWith('--output-document=')) out = a.slice(18);
    else if (a === '--no-check-certificate' || a === '-nv' || a === '--no-verbose' || a === '-c') continue;
    else if (a === '-T' || a === '--timeout' || a === '-t' || a === '--tries') i++;
    else if (/^--(timeout|tries|connect-timeout)=/.test(a)) continue;
    else if (a === '-qO-' || a === '-qO') {
      quiet = true;
      out = a === '-qO-' ? '-' : args[++i];
    } else if (a.startsWith('-')) return unsupported(ctx);
    else urls.push(a);
  }
  if (!urls.length) return fail(1, "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
  let stdout = '';
  let stderr = '';
  for (const raw of urls) {
    const url = withScheme(raw);
    const u = new URL(url);
    const stamp = strftime('%Y-%m-%d %H:%M:%S', hostZone(ctx), ctx.now());
    if (!quiet) stderr += `--${stamp}--  ${url}\n`;
    const f = await get(ctx, url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    if (f.failure && f.failure.kind !== 'http') {
      if (f.failure.kind === 'dns') return { code: 4, stdout, stderr: stderr + `wget: unable to resolve host address \u2018${u.hostname}\u2019\n` };
      const why = f.failure.kind === 'refused' ? (labHostDown(ctx, u.hostname) ? 'No route to host' : 'Connection refused') : f.failure.kind === 'timeout' ? 'Connection timed out' : 'Network is unreachable';
      return { code: 4, stdout, stderr: stderr + (quiet ? '' : `Connecting to ${u.hostname}:${port}... failed: ${why}.\n`) };
    }
    const status = f.status || f.failure?.status || 0;
    if (status >= 400) {
      return { code: 8, stdout, stderr: stderr + (quiet ? '' : `HTTP request sent, awaiting response... ${status} ${STATUS_TEXT[status] ?? ''}\n${stamp} ERROR ${status}: ${STATUS_TEXT[status] ?? ''}.\n\n`) };
    }
    const name = out ?? (u.pathname.split('/').pop() || 'index.html');
    if (name === '-') stdout += f.body;
    else {
      const file = ctx.path(name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.body);
      if (!quiet) stderr += `HTTP request sent, awaiting response... 200 OK\nLength: ${Buffer.byteLength(f.body)}\nSaving to: \u2018${name}\u2019\n\n${stamp} - \u2018${name}\u2019 saved [${Buffer.byteLength(f.body)}/${Buffer.byteLength(f.body)}]\n\n`;
    }
  }
  return { code: 0, stdout, stderr };
}
