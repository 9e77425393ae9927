/**
 * Ctrl-C during a run: the first SIGINT stops new steps and lets the running
 * ones finish (the runner bounds that); a second one quits at once.
 */
export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function interruptOnSigint(notify: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Interrupt {
  const ctl = new AbortController();
  const onSigint = (): void => {
    if (ctl.signal.aborted) {
      notify('interrupted again: quitting now');
      process.exit(130);
    }
    notify('interrupted: finishing the running steps, starting no new ones (Ctrl-C again to quit now)');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ctl.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}
