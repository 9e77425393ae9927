import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

const checkOutput = (o: string): 'text' | 'json' => {
  if (o !== 'text' && o !== 'json') throw new InputError(`--output must be text or json, not "${o}"`);
  return o;
};

export function defineToken(program: Command): void {
  const token = program.command('token').description('bootstrap tokens: fresh join commands and their expiry');
  withCommon(token.command('create').description('print a fresh worker join command (and control-plane one with --control-plane)'))
    .option('--ttl <duration>', 'token lifetime', '2h')
    .option('--control-plane', 'also upload certificates and print the control-plane join command')
    .action(async (opts: CommonOptions & { ttl: string; controlPlane?: boolean }) => {
      const output = checkOutput(opts.output);
      // loaded on use, so `kubeforge --help` stays fast
      const { runTokenCreate } = await import('../cluster/token-run.ts');
      process.exitCode = await runTokenCreate({ inventory: opts.inventory, output, ttl: opts.ttl, controlPlane: opts.controlPlane === true });
    });
  withCommon(token.command('list').description('list bootstrap tokens (id only) with their expiry'))
    .action(async (opts: CommonOptions) => {
      const output = checkOutput(opts.output);
      const { runTokenList } = await import('../cluster/token-run.ts');
      process.exitCode = await runTokenList({ inventory: opts.inventory, output });
    });
}
