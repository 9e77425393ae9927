/** One add-on manifest applied from the init master (shared by the cni and metrics-server phases). */
import type { HostContext } from '../render/context.ts';
import { renderAddonManifest, type AddonName } from '../render/manifests.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { makeStep, rawFile } from './step.ts';
import type { HostStep } from './types.ts';
import type { Cluster } from '../inventory/model.ts';

export interface AddonStepSpec {
  id: 'cni.calico' | 'metrics-server.apply';
  addon: AddonName;
  title: string;
  /** `kubectl get <this>` exists once applied */
  readyObject: string;
}

export function addonStep(cluster: Cluster, ctx: HostContext, spec: AddonStepSpec): HostStep {
  const m = renderAddonManifest(cluster, spec.addon);
  const file = `${HOST_PATHS.addonsDir}/${spec.addon}.yaml`;
  const where = m.source.url ? `${m.source.url} (cache: ${m.source.file})` : m.source.file;
  const notes = m.content
    ? [`manifest: ${where}`, ...m.patches.map((p) => `patch: ${p}`)]
    : [`manifest not available locally: ${where}`, ...m.patches.map((p) => `patch (to apply): ${p}`)];
  return makeStep(ctx, {
    id: spec.id,
    title: spec.title,
    files: m.content ? [rawFile(file, m.content)] : [],
    vars: { manifestFile: file, available: Boolean(m.content), source: where, readyObject: spec.readyObject },
    notes,
  });
}
