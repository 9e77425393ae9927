/** A y/N question on a terminal; without one, the caller must have been told --yes. */
import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.ts';

export async function confirm(question: string, yes: boolean, stdin: NodeJS.ReadStream = process.stdin): Promise<boolean> {
  if (yes) return true;
  if (!stdin.isTTY) throw new UserError('reset changes hosts and needs a confirmation: run it on a terminal to answer, or pass --yes');
  const rl = createInterface({ input: stdin, output: process.stderr });
  try {
    const a = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    return a === 'y' || a === 'yes';
  } finally {
    rl.close();
  }
}
