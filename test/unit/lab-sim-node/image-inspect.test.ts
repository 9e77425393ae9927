// `docker image inspect` / `docker inspect` and `crictl inspecti`: what scripts use to ask
// "is this image here?" (exit 0 with JSON, or exit 1 naming the missing image).
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('image inspection', () => {
  it('docker image inspect: JSON of a present image, "No such image" and exit 1 otherwise', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1');
    const ref = `${ALIYUN}/pause:3.6`;
    const missing = await lab.sh('h1', ['docker', 'image', 'inspect', ref]);
    expect(missing).toMatchObject({ code: 1, stdout: '[]\n', stderr: `Error: No such image: ${ref}\n` });
    expect((await lab.sh('h1', ['docker', 'pull', ref])).code).toBe(0);
    const found = await lab.sh('h1', ['docker', 'image', 'inspect', ref]);
    expect(found.code).toBe(0);
    const parsed = JSON.parse(found.stdout) as { Id: string; RepoTags: string[] }[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0].RepoTags).toEqual([ref]);
    expect(parsed[0].Id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const fmt = await lab.sh('h1', ['docker', 'inspect', '--format', '{{.Id}}', ref]);
    expect(fmt.stdout).toBe(`${parsed[0].Id}\n`);
    const mixed = await lab.sh('h1', ['docker', 'inspect', '-f', '{{.Id}}', ref, 'nosuch:1']);
    expect(mixed).toMatchObject({ code: 1, stdout: `${parsed[0].Id}\n`, stderr: 'Error: No such object: nosuch:1\n' });
  });

  it('crictl inspecti: the CRI image status, or a fatal "no such image"', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', os: 'rocky9' }] });
    await prepareHost(lab, 'm1', { k8s: '1.28.15' });
    const ref = `${ALIYUN}/pause:3.9`;
    const missing = await lab.sh('m1', ['crictl', 'inspecti', ref]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`FATA\\[\\d+\\] no such image "${ref.replace(/[./]/g, '\\$&')}" present`));
    expect((await lab.sh('m1', ['crictl', 'pull', ref])).code).toBe(0);
    const found = await lab.sh('m1', ['crictl', 'inspecti', ref]);
    expect(found.code).toBe(0);
    const st = (JSON.parse(found.stdout) as { status: { id: string; repoTags: string[] } }).status;
    expect(st.repoTags).toEqual([ref]);
    expect(st.id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
