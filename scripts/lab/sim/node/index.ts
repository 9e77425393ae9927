/**
 * The node area of the simulator: container runtimes (docker, containerd, ctr, crictl), the
 * kubelet and kubeadm, plus registry v2 answers for curl. Registers its commands and services
 * (see ../registry.ts); exports what other areas and the lab CLI use.
 */
import { registerCommand, registerHttp, registerService } from '../registry.ts';
import { registryHttp } from '../data/images.ts';
import { ctrCommand, containerdCommand } from './containerd-cli.ts';
import { crictlCommand } from './crictl.ts';
import { dockerCommand } from './docker.ts';
import { kubeadmCommand } from './kubeadm/index.ts';
import { kubeletCommand, kubeletHook } from './kubelet.ts';
import { containerdHook, dockerHook } from './runtime.ts';
import { unsupported, type Handler } from '../api.ts';

const dockerd: Handler = async (ctx) => {
  if (ctx.argv[1] === '--version' || ctx.argv[1] === '-v') return dockerCommand({ ...ctx, argv: ['docker', '--version'] });
  return unsupported(ctx);
};

registerCommand('docker', dockerCommand);
registerCommand('dockerd', dockerd);
registerCommand('containerd', containerdCommand);
registerCommand('ctr', ctrCommand);
registerCommand('crictl', crictlCommand);
registerCommand('kubelet', kubeletCommand);
registerCommand('kubeadm', kubeadmCommand);

registerService('docker', dockerHook);
registerService('containerd', containerdHook);
registerService('kubelet', kubeletHook);

registerHttp('node/registries', async (ctx, url) => registryHttp(url, ctx.options, ctx.faults()));

export { expireAllTokens, expireCertificateKeys } from './faults.ts';
export { evaluateKubelet, refreshKubelet, restartKubelet } from './kubelet.ts';
export { runtimePullCheck, criStatus, dockerConfig, containerdConfig, type NodeView } from './runtime.ts';
export { STOCK_RPM_CONFIG, defaultConfigText } from './containerd-config.ts';
export { warmKeyPool } from './kubeadm/pki.ts';
