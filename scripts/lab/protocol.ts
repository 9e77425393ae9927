/**
 * The shim client's wire format (see guest/client.pl): frames of 1 type byte, a 4-byte
 * big-endian length and the payload. Client -> daemon: R (request), I (stdin chunk, empty =
 * EOF). Daemon -> client: O (stdout), E (stderr), S (send your stdin), C (exec a real binary),
 * X (exit code).
 */
export interface ShimRequest {
  cwd: string;
  uid: number;
  user: string;
  env: Record<string, string>;
  argv: string[];
}

export function frame(type: string, payload: Buffer | string = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Incremental frame reader over a byte stream. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): { type: string; payload: Buffer }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { type: string; payload: Buffer }[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + len) break;
      out.push({ type: this.buf.toString('latin1', 0, 1), payload: this.buf.subarray(5, 5 + len) });
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}

export function parseRequest(payload: Buffer): ShimRequest {
  const f = payload.toString('utf8').split('\0');
  const [cwd, uid, user, nEnv] = f;
  const n = Number(nEnv);
  const env: Record<string, string> = {};
  for (const kv of f.slice(4, 4 + n)) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { cwd, uid: Number(uid), user, env, argv: f.slice(4 + n) };
}
