/**
 * The project's own add-on manifests: rendered from templates/manifests/*.yaml.hbs and kept
 * as plain files templates/manifests/<addon>-<version>.yaml for every default version of the
 * matrix (the lab's inventory names them). UPDATE_GOLDEN=1 rewrites the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { minorEntryOf, supportedMinors } from '../../../src/inventory/matrix.ts';
import { bundledManifest } from '../../../src/render/bundled.ts';
import { TEMPLATES_DIR } from '../../../src/render/engine.ts';
import { parseManifest } from '../../../src/render/manifests.ts';
import { validateObjects } from '../../../src/render/validate.ts';

const defaults = (): [('calico' | 'metrics-server'), string][] => {
  const out = new Set<string>();
  for (const m of supportedMinors()) {
    const e = minorEntryOf(m);
    if (!e) throw new Error(`matrix has no ${m}`);
    out.add(`calico ${e.calico}`);
    out.add(`metrics-server ${e.metricsServer}`);
  }
  return [...out].sort().map((s) => s.split(' ') as ['calico' | 'metrics-server', string]);
};

describe('bundled add-on manifests', () => {
  for (const [addon, version] of defaults()) {
    it(`${addon}-${version}.yaml is the rendered template and valid`, () => {
      const file = path.join(TEMPLATES_DIR, 'manifests', `${addon}-${version}.yaml`);
      const text = bundledManifest(addon, version);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, text);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
      const objs = parseManifest(text, file);
      const r = validateObjects(objs, file);
      expect(r.unchecked).toEqual([]);
      expect(r.validated).toBe(objs.length);
      const images = text.match(/image: \S+/g) ?? [];
      expect(images.length).toBeGreaterThan(0);
      for (const i of images) expect(i.endsWith(`:${version}`)).toBe(true);
    });
  }
});
