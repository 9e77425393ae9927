/** `--output json` of the day-2 verbs: one JSON object per line, with its time, like the engine's events. */
export type Emit = (event: Record<string, unknown>) => void;

export const jsonLines = (write: (line: string) => void = (l) => process.stdout.write(`${l}\n`), now: () => Date = () => new Date()): Emit =>
  (event) => write(JSON.stringify({ ...event, time: now().toISOString() }));
