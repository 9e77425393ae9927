/**
 * Ctrl-C during a run: the first SIGINT stops new steps and lets the running
 * ones finish (the runner bounds that); a second one stops the running ones now
 * (their remote processes ended, the run file written); a third quits at once.
 */
export interface Interrupt {
  /** aborted by the first SIGINT: start no new step */
  signal: AbortSignal;
  /** aborted by the second: stop the running steps now */
  hard: AbortSignal;
  dispose(): void;
}

export function interruptOnSigint(notify: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Interrupt {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSigint = (): void => {
    if (hard.signal.aborted) {
      notify('interrupted a third time: quitting without waiting');
      process.exit(130);
    }
    if (soft.signal.aborted) {
      notify('interrupted again: stopping the running commands (Ctrl-C once more to quit without waiting)');
      hard.abort();
      return;
    }
    notify('interrupted: finishing the running steps, starting no new ones (Ctrl-C again to stop them now)');
    soft.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: soft.signal, hard: hard.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}
