/** The daemon's control socket: one JSON request line, one JSON answer line. */
import net from 'node:net';

export type ControlRequest =
  | { op: 'ping' }
  | { op: 'start'; hosts?: string[] }
  | { op: 'reboot'; host: string }
  | { op: 'drop-ssh'; host: string; seconds: number }
  | { op: 'expire-tokens' }
  | { op: 'expire-cert-keys' }
  | { op: 'clock'; host: string; seconds: number }
  | { op: 'status' }
  | { op: 'shutdown' };

export interface ControlAnswer {
  ok: boolean;
  error?: string;
  pid?: number;
  errors?: Record<string, string>;
  started?: string[];
  /** expire-tokens / expire-cert-keys: how many tokens were expired */
  count?: number;
  hosts?: { name: string; pid?: number; running: boolean }[];
}

export function control(sock: string, req: ControlRequest, timeoutMs = 120_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(sock);
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`lab daemon did not answer ${req.op} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        s.destroy();
        try {
          resolve(JSON.parse(buf.slice(0, nl)) as ControlAnswer);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function daemonAlive(sock: string): Promise<boolean> {
  try {
    return (await control(sock, { op: 'ping' }, 2000)).ok;
  } catch {
    return false;
  }
}
