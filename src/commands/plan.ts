import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

export function definePlan(program: Command): void {
  withCommon(program.command('plan').description('print, per host and step, the exact scripts and files up would apply'))
    .option('--live', 'connect and mark each step done / to do')
    .action(async (opts: CommonOptions & { live?: boolean }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      if (opts.live) {
        const { planLive } = await import('./plan-live.ts');
        const r = await planLive(opts.inventory, opts.output);
        process.stdout.write(r.text);
        process.exitCode = r.exitCode;
        return;
      }
      // loaded on use: `kubeforge --help` and the other verbs do not pay for rendering
      const { planOutput } = await import('./plan-output.ts');
      process.stdout.write(planOutput(opts.inventory, opts.output));
    });
}
