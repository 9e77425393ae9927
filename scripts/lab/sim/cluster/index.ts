// registers the cluster area's commands and HTTP endpoints (see ../registry.ts)
import { registerCommand, registerHttp } from '../registry.ts';
import { apiServerHttp } from './apiserver.ts';
import { ipvsadm, proxyModeHttp } from './kubeproxy.ts';
import { kubectl } from './kubectl/main.ts';
import { warmValidators } from './kubectl/validate.ts';

registerCommand('kubectl', kubectl);
registerCommand('ipvsadm', ipvsadm);
registerHttp('kube-proxy', (ctx, url) => proxyModeHttp(ctx, url));
registerHttp('kube-apiserver', (ctx, url) => apiServerHttp(ctx, url));

// the daemon's first `kubectl apply` should not pay for loading the schemas
setTimeout(() => void warmValidators().catch(() => undefined), 0).unref();

export { reconcile, restartSlot } from './reconcile.ts';
export { setImageResolver } from './images.ts';
export { proxyModeHere } from './kubeproxy.ts';
