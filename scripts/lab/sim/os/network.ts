/** nmcli: NetworkManager's view of the host's one NIC (errors out when NetworkManager is not running). */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';

const nmRunning = (ctx: SimContext): boolean => ctx.runtime().services.NetworkManager?.active === 'active';

const conUuid = (ctx: SimContext): string => {
  const h = ctx.host.productUuid.replace(/-/g, '');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export async function nmcli(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '-p' && a !== '--pretty');
  if (!nmRunning(ctx)) return fail(8, 'Error: NetworkManager is not running.\n');
  const [obj = 'general', verb = obj.startsWith('g') ? 'status' : obj.startsWith('d') || obj.startsWith('c') ? 'show' : ''] = args;
  const up = ctx.runtime().networkUp;
  if ('general'.startsWith(obj) && (verb === 'status' || 'status'.startsWith(verb))) {
    return ok(`STATE                  CONNECTIVITY  WIFI-HW  WIFI     WWAN-HW  WWAN    \n${(up ? 'connected (site only)' : 'disconnected').padEnd(22)} ${(up ? 'limited' : 'none').padEnd(13)} enabled  enabled  enabled  enabled \n`);
  }
  if ('device'.startsWith(obj) && ('status'.startsWith(verb) || verb === 'show')) {
    const lo = ctx.host.os === 'rocky9' ? 'lo      loopback  connected (externally)  lo         ' : 'lo      loopback  unmanaged  --         ';
    return ok(`DEVICE  TYPE      STATE      CONNECTION \neth0    ethernet  ${up ? 'connected   ' : 'disconnected'} ${up ? 'eth0' : '--  '}       \n${lo}\n`);
  }
  if ('connection'.startsWith(obj)) {
    if (verb === 'reload') return ctx.uid === 0 ? ok() : fail(1, 'Error: failed to reload connections: Not authorized to reload connections.\n');
    if ('show'.startsWith(verb)) return ok(`NAME  UUID                                  TYPE      DEVICE \neth0  ${conUuid(ctx)}  ethernet  ${up ? 'eth0' : '--  '}   \n`);
    if (verb === 'up' || verb === 'down') {
      if (ctx.uid !== 0) return fail(4, `Error: Connection activation failed: Not authorized to control networking.\n`);
      const on = verb === 'up';
      if (on !== up) {
        ctx.runtime().networkUp = on;
        await ctx.nsExec(['ip', 'link', 'set', 'eth0', on ? 'up' : 'down']);
      }
      return ok(on ? `Connection successfully activated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/2)\n` : `Connection 'eth0' successfully deactivated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/1)\n`);
    }
  }
  return unsupported(ctx);
}
