/**
 * The daemon side of one shim connection (protocol.ts): reads the request, hands it to the
 * handler with a lazy stdin (asked from the client only when the handler reads it), and
 * writes the answer. A handler answering 'hang' leaves the client waiting until it is killed.
 */
import net from 'node:net';
import type { CommandResult } from './sim/api.ts';
import { FrameReader, frame, parseRequest, type ShimRequest } from './protocol.ts';

export type ShimHandler = (req: ShimRequest, stdin: () => Promise<Buffer>) => Promise<CommandResult | 'hang'>;

export function answerFrames(res: CommandResult): Buffer {
  if (res.exec) return frame('C', [res.exec.path, ...res.exec.args].join('\0'));
  const parts: Buffer[] = [];
  if (res.stdout && res.stdout.length) parts.push(frame('O', res.stdout));
  if (res.stderr) parts.push(frame('E', res.stderr));
  parts.push(frame('X', String(res.code)));
  return Buffer.concat(parts);
}

export function onShimConnection(sock: net.Socket, handler: ShimHandler, onError: (err: unknown) => void): void {
  const reader = new FrameReader();
  const stdinChunks: Buffer[] = [];
  let stdinDone = false;
  let stdinWaiter: (() => void) | undefined;
  let stdinPromise: Promise<Buffer> | undefined;
  const readStdin = (): Promise<Buffer> => {
    stdinPromise ??= new Promise<Buffer>((resolve) => {
      const finish = (): void => resolve(Buffer.concat(stdinChunks));
      if (stdinDone) return finish();
      stdinWaiter = finish;
      sock.write(frame('S'));
    });
    return stdinPromise;
  };
  const endStdin = (): void => {
    stdinDone = true;
    stdinWaiter?.();
    stdinWaiter = undefined;
  };
  let started = false;
  sock.on('data', (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      if (f.type === 'R' && !started) {
        started = true;
        handler(parseRequest(f.payload), readStdin)
          .then((res) => {
            if (res !== 'hang' && !sock.destroyed) sock.end(answerFrames(res));
          })
          .catch((err: unknown) => {
            onError(err);
            if (!sock.destroyed) sock.end(answerFrames({ code: 70, stderr: 'lab: simulator error\n' }));
          });
      } else if (f.type === 'I') {
        if (f.payload.length === 0) endStdin();
        else stdinChunks.push(Buffer.from(f.payload));
      }
    }
  });
  sock.on('close', endStdin);
  sock.on('error', () => undefined);
}
