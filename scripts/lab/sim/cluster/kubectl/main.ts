/** The kubectl command: flags, the connection to the API server, then one verb. */
import { unsupported, type CommandResult, type SimContext } from '../../api.ts';
import { connect } from '../connection.ts';
import { bool, flag, parseArgs } from './args.ts';
import { fromFiles } from './apply.ts';
import { describe } from './describe.ts';
import { get } from './get.ts';
import { apiResources, clusterInfo, version } from './info.ts';
import { makeKc } from './kc.ts';
import { certificate, create, del, labelOrAnnotate, patch, scale } from './mutate.ts';
import { cordon, drain, taint } from './nodeops.ts';
import { rollout, wait } from './rollout.ts';
import { top } from './top.ts';
import { rawGet } from './raw.ts';
import { logs } from './logs.ts';

const VERBS = new Set(['get', 'describe', 'apply', 'create', 'replace', 'delete', 'patch', 'label', 'annotate', 'taint', 'rollout', 'wait', 'drain',
  'cordon', 'uncordon', 'top', 'version', 'cluster-info', 'api-resources', 'certificate', 'logs', 'scale']);

export async function kubectl(ctx: SimContext): Promise<CommandResult> {
  const args = parseArgs(ctx.argv.slice(1));
  const verb = args.words[0];
  if (!verb || !VERBS.has(verb)) return unsupported(ctx);
  if (args.unknown.length) {
    return { code: 1, stdout: '', stderr: `error: unknown flag: ${args.unknown[0].replace(/=.*/, '')}\nSee 'kubectl ${verb} --help' for usage.\n` };
  }
  const rpm = ctx.persist().rpms.kubectl;
  const clientVersion = rpm ? rpm.version : ctx.cluster().kubernetesVersion.replace(/^v/, '') || '1.23.17';
  const vArgs = { client: bool(args, 'client'), short: bool(args, 'short'), output: flag(args, 'output') };
  if (verb === 'version' && vArgs.client) return version(undefined, clientVersion, vArgs, undefined);
  const conn = connect(ctx, { kubeconfig: flag(args, 'kubeconfig'), server: flag(args, 'server') });
  if (!conn.ok) {
    if (verb === 'version') {
      const v = version(undefined, clientVersion, vArgs, undefined);
      return { code: 1, stdout: String(v.stdout ?? ''), stderr: (v.stderr ?? '') + conn.stderr };
    }
    return { code: conn.code, stdout: '', stderr: conn.stderr };
  }
  const kc = makeKc(ctx, args, conn.namespace);
  // the cluster's controllers run continuously: settle what they would have done before this
  // request changes anything (a ConfigMap edit must not reach pods that already run)
  kc.view();
  if (verb === 'get' && flag(args, 'raw') !== undefined) return rawGet(kc, flag(args, 'raw') ?? '');
  switch (verb) {
    case 'get': return get(kc);
    case 'describe': return describe(kc);
    case 'apply': return fromFiles(kc, 'apply');
    case 'replace': return fromFiles(kc, 'replace');
    case 'create': return create(kc);
    case 'delete': return del(kc);
    case 'patch': return patch(kc);
    case 'label': return labelOrAnnotate(kc, 'labels');
    case 'annotate': return labelOrAnnotate(kc, 'annotations');
    case 'taint': return taint(kc);
    case 'cordon': return cordon(kc, true);
    case 'uncordon': return cordon(kc, false);
    case 'drain': return drain(kc);
    case 'rollout': return rollout(kc);
    case 'wait': return wait(kc);
    case 'top': return top(kc);
    case 'version': return version(kc, clientVersion, vArgs, ctx.cluster().kubernetesVersion);
    case 'cluster-info': return clusterInfo(kc, conn.server);
    case 'api-resources': return apiResources(kc);
    case 'certificate': return certificate(kc);
    case 'logs': return logs(kc);
    case 'scale': return scale(kc);
  }
  return unsupported(ctx);
}
