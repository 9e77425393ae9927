import { Command, CommanderError } from 'commander';
import { UserError } from './errors.ts';
import { defineUp } from './commands/up.ts';
import { definePlan } from './commands/plan.ts';
import { defineJoin } from './commands/join.ts';
import { defineToken } from './commands/token.ts';
import { defineKubeconfig } from './commands/kubeconfig.ts';
import { defineDoctor } from './commands/doctor.ts';
import { defineReset } from './commands/reset.ts';
import { defineLab } from './commands/lab.ts';

export function buildProgram(): Command {
  const program = new Command('kubeforge')
    .description('Bootstrap and run kubeadm clusters on CentOS / EL hosts over SSH, from one inventory file')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  defineUp(program);
  definePlan(program);
  defineJoin(program);
  defineToken(program);
  defineKubeconfig(program);
  defineDoctor(program);
  defineReset(program);
  defineLab(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `kubeforge plan ... | head`: a closed pipe ends the output quietly, as for any Unix tool.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors are input errors.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`kubeforge: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`kubeforge: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
