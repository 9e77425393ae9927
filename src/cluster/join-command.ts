/**
 * The join commands kubeadm prints (`kubeadm token create --print-join-command`) and the
 * certificate key `kubeadm init phase upload-certs --upload-certs` prints.
 */

export interface JoinCommand {
  /** host:port of the API server, as kubeadm printed it */
  endpoint: string;
  token: string;
  /** sha256:<64 hex> */
  caCertHash: string;
}

export const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** `kubeadm join <ep> --token T --discovery-token-ca-cert-hash sha256:H [...]`, or undefined. */
export function parseJoinCommand(text: string): JoinCommand | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('kubeadm join '));
  if (!line) return undefined;
  const endpoint = /^kubeadm join\s+(\S+)/.exec(line)?.[1];
  const token = /--token[\s=]+([a-z0-9]{6}\.[a-z0-9]{16})(?![a-z0-9])/.exec(line)?.[1];
  const caCertHash = /--discovery-token-ca-cert-hash[\s=]+(sha256:[a-f0-9]{64})(?![a-f0-9])/.exec(line)?.[1];
  if (!endpoint || endpoint.startsWith('-') || !token || !caCertHash) return undefined;
  return { endpoint, token, caCertHash };
}

/**
 * The key from `init phase upload-certs --upload-certs` output:
 * `[upload-certs] Using certificate key:` followed by 64 hex on the next line.
 */
export function parseCertificateKey(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const i = lines.findIndex((l) => /^\[upload-certs\] Using certificate key:?$/.test(l));
  const candidate = i >= 0 ? lines.slice(i + 1).find((l) => l !== '') : undefined;
  return candidate && /^[a-f0-9]{64}$/.test(candidate) ? candidate : undefined;
}

export function workerJoinLine(j: JoinCommand): string {
  return `kubeadm join ${j.endpoint} --token ${j.token} --discovery-token-ca-cert-hash ${j.caCertHash}`;
}

export function controlPlaneJoinLine(j: JoinCommand, certificateKey: string): string {
  return `${workerJoinLine(j)} --control-plane --certificate-key ${certificateKey}`;
}
