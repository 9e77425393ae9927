// `up` has the add-on manifests before it touches any host: a manifest named by URL is
// downloaded into the cache first (here from a loopback HTTP server), and one that cannot be
// had stops the run before any connection.
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledManifest } from '../../../src/render/bundled.ts';
import { exec, inventoryOf, makeTestLab, runDirs, up, type TestLab } from './up-harness.ts';

let lab: TestLab;
let inventory = '';
let server: http.Server;
let port = 0;
const served: string[] = [];

beforeAll(async () => {
  lab = makeTestLab();
  // the CLI runs as a child of this process: its cache goes to the lab's temp dir
  process.env.KUBEFORGE_CACHE_DIR = path.join(lab.cwd, 'cache');
  const r = await lab.kf(['lab', 'up', '1']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  inventory = fs.readFileSync(inventoryOf(lab), 'utf8');
  server = http.createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/calico.yaml') res.end(bundledManifest('calico', 'v3.25.2'));
    else {
      res.statusCode = 404;
      res.end('404 page not found\n');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as net.AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await lab?.down();
}, 60_000);

/** The lab inventory with Calico's manifest named by URL (and optionally the master's ssh port changed). */
function variant(name: string, url: string, sshPort?: number): string {
  let text = inventory.replace(/manifest: \S*calico-v[\d.]+\.yaml/, `manifest: "${url}"`);
  expect(text).not.toBe(inventory);
  expect(text).toContain(`"${url}"`);
  if (sshPort !== undefined) text = text.replace(/(name: kf-master01, address: [0-9.]+, role: master)/, `$1, ssh: { port: ${sshPort} }`);
  const file = path.join(lab.cwd, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

async function untouched(): Promise<void> {
  expect((await exec(lab, 'kf-master01', 'hostname; ls /etc/yum.repos.d')).trim()).toBe('localhost.localdomain\nCentOS-Base.repo');
}

describe('up and the add-on manifests', () => {
  it('stops before connecting when the manifest cannot be downloaded, naming the URL and where to put it', async () => {
    const url = `http://127.0.0.1:${port}/missing.yaml`;
    const r = await up(lab, variant('missing', url));
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^kubeforge: cannot download ${url.replace(/\./g, '\\.')}: HTTP 404 \\(download it yourself and name the file in the inventory, or put it at .*\\)$`));
    expect(runDirs(lab)).toEqual([]); // no run started: no host connected to
    await untouched();
  });

  it('downloads a manifest named by URL into the cache and says so, before any host', async () => {
    const url = `http://127.0.0.1:${port}/calico.yaml`;
    // the master's ssh port is closed: the run stops at connecting, after the download
    const r = await up(lab, variant('download', url, 1));
    expect(r.stdout.split('\n')[0]).toBe(`downloading the calico manifest: ${url}`);
    expect(served).toContain('/calico.yaml');
    const cached = fs.readdirSync(path.join(lab.cwd, 'cache'), { recursive: true }).map(String);
    expect(cached.filter((f) => f.endsWith('.yaml'))).toHaveLength(1);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/kf-master01 \(.*:1\): .*(refused|unreachable)/i);
    // a second run finds it in the cache and downloads nothing
    const before = served.length;
    const again = await up(lab, variant('download', url, 1));
    expect(again.stdout).not.toMatch(/downloading/);
    expect(served).toHaveLength(before);
    await untouched();
  });
});
