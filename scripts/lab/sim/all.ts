/** Every area of the simulator; importing this registers all commands and services. */
import './os/index.ts';
import './node/index.ts';
import './cluster/index.ts';

export { boot, baseCommands, freshHostFiles, writeProcFiles } from './os/provision.ts';
export { commandNames, commandHandler, serviceHook } from './registry.ts';
