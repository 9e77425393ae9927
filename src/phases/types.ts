/**
 * Steps and phases: the contract between rendering (src/render, src/phases), which
 * turns a Cluster + host facts into per-host scripts, and the engine (src/engine),
 * which runs them over SSH. `plan` prints exactly what `up` runs.
 */

/** What preflight learns about a host: the only input from hosts to rendering. */
export interface HostFacts {
  /** /etc/os-release ID and VERSION_ID, e.g. centos 7 / rocky 9.4 */
  osId: string;
  osVersion: string;
  /** el7 | el8 | el9: what the steps branch on */
  family: 'el7' | 'el8' | 'el9';
  /** uname -r */
  kernel: string;
  cpus: number;
  memoryMiB: number;
  swapOn: boolean;
  macs: string[];
  productUuid: string;
  hostname: string;
  /** host clock, ms since epoch, when the facts were read */
  timeMs: number;
  /** /etc/kubernetes/kubelet.conf exists (already a node) */
  isNode: boolean;
  /** /etc/kubernetes/admin.conf exists on a master (control plane initialised here) */
  hasAdminConf: boolean;
  /** TCP ports something listens on (ss -ltn); absent when not read */
  listeningPorts?: number[];
  /** this machine's clock when the facts came back (for the skew between hosts) */
  readAtMs?: number;
  /** IPv4 address/prefix on the host's real interfaces (not lo, docker0, cni...); absent when not read */
  addresses?: string[];
  /** ipvs-related modules the running kernel ships (modules.dep/builtin); absent when that could not be read */
  kernelModules?: string[];
}

export type PhaseId =
  | 'preflight' | 'os' | 'repos' | 'kernel' | 'runtime' | 'kube-packages' | 'images'
  | 'init' | 'join' | 'cni' | 'metrics-server' | 'kube-proxy' | 'verify';

export interface StepFile {
  /** absolute path on the host */
  path: string;
  content: string;
  /** e.g. 0o644 */
  mode: number;
  /** back up an existing different file to `<path>.kubeforge-bak-<time>` before replacing it */
  backup: boolean;
}

/** One concern on one host: check (exit 0 = already so), apply (make it so). */
export interface HostStep {
  /** stable id, e.g. "os.selinux" */
  id: string;
  phase: PhaseId;
  title: string;
  host: string;
  /** bash script; exit 0 means the step is already done and apply is skipped */
  check: string;
  /** bash script run (as root) when the check fails; must leave the check passing */
  apply: string;
  /** files written before apply, only when different from what is there */
  files: StepFile[];
  /** package installs, image pulls, init, join: slow, retried with backoff */
  heavy?: boolean;
  /** secrets that appear in this step's scripts (join tokens...): redacted from every log and output */
  secrets?: string[];
  /**
   * Run-time values this step's scripts read from their environment (see RuntimeEnvName):
   * the engine sets them when running the step; plan shows the variable names only.
   */
  env?: RuntimeEnvName[];
  /** lines plan shows with the step (e.g. an add-on manifest not cached yet: its URL and patches) */
  notes?: string[];
  /**
   * After a successful apply, reboot the host, wait (bounded) for it to come back, then run
   * the check again: it must pass (a kernel upgrade only takes effect after the reboot).
   */
  reboot?: boolean;
}

/**
 * Values only the engine knows at run time. Scripts never contain them: they read
 * `"$KF_JOIN_TOKEN"` etc. from the environment, which the engine fills for steps that
 * list the name in `env`:
 * - KF_JOIN_TOKEN: a bootstrap token valid now (`kubeadm token create` on the init master)
 * - KF_JOIN_CA_CERT_HASH: `sha256:<hex>` of the cluster CA's public key
 * - KF_CERT_KEY: the 64-hex certificate key of this run (e.g. `kubeadm certs certificate-key`);
 *   the init master's `init.upload-certs` step uploads the control-plane certificates with it and
 *   the control-plane `join.kubeadm-join` steps use the same value.
 * The values of SECRET_RUNTIME_ENV are secrets: redact them like `secrets`.
 */
export type RuntimeEnvName = 'KF_JOIN_TOKEN' | 'KF_JOIN_CA_CERT_HASH' | 'KF_CERT_KEY';
export const SECRET_RUNTIME_ENV: readonly RuntimeEnvName[] = ['KF_JOIN_TOKEN', 'KF_CERT_KEY'];

export interface Phase {
  id: PhaseId;
  title: string;
  /** host names this phase concerns, in inventory order */
  hosts: string[];
  /** steps per host, in order */
  steps: Record<string, HostStep[]>;
}
