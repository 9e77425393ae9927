/**
 * Mirror presets (data/mirrors.yaml) and how an inventory's `mirrors:` resolves against them:
 * a preset name, or an object starting from a preset whose listed classes replace the preset's.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataFile } from '../package-root.ts';
import type { MirrorList, Mirrors } from './model.ts';

export type PresetName = Mirrors['preset'];
export const presetNames: readonly PresetName[] = ['cn', 'upstream'];

/** The inventory's (kebab-case) class names and the Mirrors field each fills. */
export const mirrorClasses = {
  'centos-vault': 'centosVault',
  epel: 'epel',
  rocky: 'rocky',
  'docker-ce': 'dockerCe',
  kubernetes: 'kubernetes',
  'kubernetes-legacy': 'kubernetesLegacy',
  images: 'images',
  'calico-images': 'calicoImages',
  elrepo: 'elrepo',
} as const satisfies Record<string, keyof Omit<Mirrors, 'preset'>>;

export type MirrorClass = keyof typeof mirrorClasses;
export const mirrorClassNames = Object.keys(mirrorClasses) as MirrorClass[];

/** Registries are written without a scheme (host[/path]); package repos are http(s) URLs. */
export const registryClasses: readonly MirrorClass[] = ['images', 'calico-images'];

const list = z.array(z.string().min(1)).min(1);
const presetSchema = z.strictObject(
  Object.fromEntries(mirrorClassNames.map((c) => [c, list])) as Record<MirrorClass, typeof list>,
);
const fileSchema = z.strictObject({ presets: z.strictObject({ cn: presetSchema, upstream: presetSchema }) });

export type PresetData = Record<MirrorClass, string[]>;
let cached: Record<PresetName, PresetData> | undefined;

/** The preset data, keyed by preset then inventory class name. */
export function mirrorPresets(): Record<PresetName, PresetData> {
  if (!cached) {
    const text = readFileSync(dataFile('mirrors.yaml'), 'utf8');
    cached = fileSchema.parse(parse(text)).presets;
  }
  return cached;
}

/** A user's per-class override: one URL or an ordered list. */
export type RawMirrorOverrides = Partial<Record<MirrorClass, string | string[]>>;

/** Resolve `mirrors:` (preset name or object) into the full Mirrors of the model. */
export function resolveMirrors(preset: PresetName, overrides: RawMirrorOverrides = {}): Mirrors {
  const base = mirrorPresets()[preset];
  const out = { preset } as Mirrors;
  for (const cls of mirrorClassNames) {
    const given = overrides[cls];
    const value: MirrorList = given === undefined ? [...base[cls]] : Array.isArray(given) ? [...given] : [given];
    out[mirrorClasses[cls]] = value;
  }
  return out;
}

/** The per-minor repo URL of a `kubernetes` candidate, e.g. {minor} -> 1.30. */
export const kubernetesRepoFor = (candidate: string, minor: string): string => candidate.replaceAll('{minor}', minor);
