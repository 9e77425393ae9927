import type { Command } from 'commander';

/** Options every cluster verb shares. */
export interface CommonOptions {
  inventory: string;
  output: 'text' | 'json';
}

export function withCommon(cmd: Command): Command {
  return cmd
    .requiredOption('-i, --inventory <file>', 'inventory file (YAML)')
    .option('-o, --output <format>', 'text (progress UI, plain lines without a TTY) or json (one event per line)', 'text');
}
