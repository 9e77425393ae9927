/** `kubeadm` dispatch by subcommand. Its version is the installed kubeadm rpm's. */
import { fail, unsupported, type Handler } from '../../api.ts';
import { STACK_HINT } from './common.ts';
import { kubeadmInit } from './init.ts';
import { kubeadmJoin } from './join.ts';
import { certsCheckExpiration, kubeadmReset } from './reset-certs.ts';
import { configImages, kubeadmVersionCmd, printDefaults } from './simple.ts';
import { kubeadmToken, uploadCertsPhase } from './token-cmd.ts';

export const kubeadmCommand: Handler = async (ctx) => {
  const args = ctx.argv.slice(1);
  // global flags before the subcommand (kubeadm --v=5 init ...)
  const firstReal = args.findIndex((a) => !a.startsWith('-'));
  const [sub, ...rest] = firstReal >= 0 ? [args[firstReal], ...args.slice(0, firstReal), ...args.slice(firstReal + 1)] : [undefined];
  if (!ctx.persist().rpms.kubeadm) ctx.log(`${ctx.host.name}: kubeadm run without the kubeadm rpm installed (unit test?)`);
  // init and join report it among their preflight errors; reset checks it first
  if (sub === 'reset' && ctx.uid !== 0) {
    return fail(1, `[preflight] Running pre-flight checks\nerror execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n${STACK_HINT}\n`);
  }
  switch (sub) {
    case 'version':
      return kubeadmVersionCmd(ctx, rest);
    case 'init':
      if (rest[0] === 'phase') {
        if (rest[1] === 'upload-certs') return uploadCertsPhase(ctx, rest.slice(2));
        return unsupported(ctx);
      }
      return kubeadmInit(ctx, rest);
    case 'join':
      if (rest[0] === 'phase') return unsupported(ctx);
      return kubeadmJoin(ctx, rest);
    case 'reset':
      return kubeadmReset(ctx, rest);
    case 'token':
      return kubeadmToken(ctx, rest);
    case 'config':
      if (rest[0] === 'images' && (rest[1] === 'list' || rest[1] === 'pull')) return configImages(ctx, rest[1], rest.slice(2));
      if (rest[0] === 'print' && rest[1]) return printDefaults(ctx, rest[1]);
      return unsupported(ctx);
    case 'certs':
      if (rest[0] === 'check-expiration') return certsCheckExpiration(ctx);
      return unsupported(ctx);
    case undefined:
      return fail(1, 'Usage:\n  kubeadm [command]\n');
    default:
      return unsupported(ctx);
  }
};
