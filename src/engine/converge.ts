/**
 * `up` without the CLI around it: connect, gather facts (one exec per host),
 * build the phases from them, run them with journal, reporter, SIGINT handling
 * and join credentials, close the connections.
 */
import type { Cluster } from '../inventory/model.ts';
import { initMasterOf } from '../inventory/model.ts';
import { UserError } from '../errors.ts';
import type { Host } from '../hosts/host.ts';
import type { HostFacts, Phase } from '../phases/types.ts';
import { gatherAllFacts } from './facts-all.ts';
import { factProblems } from '../phases/preflight-facts.ts';
import { chooseMirrors, probeHosts } from '../mirrors/choose.ts';
import { checkKubePackages } from '../mirrors/package-check.ts';
import { checkKeyFiles, KeyFileError } from '../hosts/key-file.ts';
import { HostPool, passwordEnvNames } from './host-pool.ts';
import { interruptOnSigint } from './interrupt.ts';
import { Journal } from './journal.ts';
import { JournaledHost } from './journaled-host.ts';
import { pickOutputMode, type Reporter } from './output.ts';
import { Redactor } from './redact.ts';
import { createReporter } from './reporters.ts';
import { runPhases, type RunOutcome } from './runner.ts';
import { ClusterRuntimeEnv } from './runtime-env.ts';

export interface ConvergeOptions {
  cluster: Cluster;
  build: (cluster: Cluster, facts: Record<string, HostFacts>) => Phase[];
  output: 'text' | 'json';
  concurrency?: number;
  /** verb recorded in run.json */
  command?: string;
  /** project dir holding .kubeforge/; default cwd */
  root?: string;
  reporter?: Reporter;
  env?: NodeJS.ProcessEnv;
  /** on a failure, stop the other hosts after their current step (see RunnerOptions.failFast) */
  failFast?: boolean;
  /** go on without workers that cannot be reached (masters are always needed) */
  skipUnreachable?: boolean;
  /** where notices go (skipped hosts); default stderr */
  notify?: (line: string) => void;
  /** after a successful run, before the connections close: work over the same hosts (journaled under `label`) */
  afterSuccess?: (ctx: AfterRun) => Promise<void>;
}

export interface AfterRun {
  /** the cluster as run (unreachable workers skipped) */
  cluster: Cluster;
  host: (name: string, label: string) => Host;
  runDir: string;
}

export interface ConvergeOutcome extends RunOutcome {
  facts: Record<string, HostFacts>;
  runDir: string;
}

export async function converge(o: ConvergeOptions): Promise<ConvergeOutcome> {
  const env = o.env ?? process.env;
  const redactor = Redactor.fromEnv(passwordEnvNames(o.cluster), env);
  const journal = new Journal({ root: o.root, command: o.command ?? 'up', redactor });
  const reporter = o.reporter ?? createReporter(pickOutputMode(o.output));
  const pool = new HostPool(o.cluster, {
    env,
    log: (l) => journal.note(l.split(':')[0], l),
    notice: (host, l) => {
      journal.note(host, l);
      void reporter.emit({ type: 'notice', host, message: l });
    },
  });
  const journaled = new Map(o.cluster.hosts.map((h) => [h.name, new JournaledHost(pool.get(h.name), journal)]));
  const interrupt = interruptOnSigint();
  try {
    // a bad key file is the same error on every host: say it once, before connecting anywhere
    try {
      checkKeyFiles(o.cluster.hosts.flatMap((h) => [h.ssh.privateKeyPath, h.ssh.bastion?.privateKeyPath]));
    } catch (e) {
      if (!(e instanceof KeyFileError)) throw e;
      throw new UserError(e.message);
    }
    const { facts, errors } = await gatherAllFacts([...journaled.values()], o.concurrency ?? 20);
    let cluster = o.cluster;
    const workers = new Set(cluster.hosts.filter((h) => h.role === 'worker').map((h) => h.name));
    const skippable = o.skipUnreachable ? errors.filter((e) => workers.has(e.host) && /unreachable/.test(e.message)) : [];
    const fatal = errors.filter((e) => !skippable.includes(e));
    if (skippable.length > 0) {
      const notify = o.notify ?? ((l: string) => process.stderr.write(`${l}\n`));
      for (const e of skippable) notify(`skipping ${e.message}`);
      const skip = new Set(skippable.map((e) => e.host));
      cluster = { ...cluster, hosts: cluster.hosts.filter((h) => !skip.has(h.name)) };
    }
    if (fatal.length > 0) {
      journal.record.stoppedAt = { phase: 'preflight', reason: `cannot read ${fatal.length} host(s)` };
      journal.save();
      throw new UserError(`${fatal.map((e) => e.message).join('\n')}\nlogs: ${journal.dir}`);
    }
    // cross-host checks (duplicate UUIDs, 1-CPU master, missing ipvs, subnet overlaps): refused before any change
    const problems = factProblems(cluster, facts);
    if (problems.length > 0) {
      journal.record.stoppedAt = { phase: 'preflight', reason: `${problems.length} preflight problem(s)` };
      journal.save();
      throw new UserError(`${problems.join('\n')}\nlogs: ${journal.dir}`);
    }
    // mirrors: probed from the hosts; the first healthy candidate of each class wins, a class
    // with none stops the run here, before any change
    const choice = chooseMirrors(cluster, await probeHosts(cluster, facts, (n) => journaled.get(n) ?? pool.get(n), o.concurrency ?? 20));
    const initName = initMasterOf(cluster).name;
    journal.record.mirrors = [...choice.lines, ...choice.dead];
    if (choice.dead.length > 0) {
      journal.note(initName, choice.dead.join('\n'));
      journal.record.stoppedAt = { phase: 'preflight', reason: 'no reachable mirror for a needed class' };
      journal.save();
      throw new UserError(`${choice.dead.join('\n')}\nlogs: ${journal.dir}`);
    }
    // the chosen Kubernetes mirror must also carry the pinned build (a stale mirror answers but lacks it)
    const pkgs = await checkKubePackages(choice.cluster, facts, (n) => journaled.get(n) ?? pool.get(n));
    journal.record.mirrors.push(...pkgs.lines, ...pkgs.missing);
    if (pkgs.missing.length > 0) {
      journal.note(initName, [...choice.lines, ...pkgs.missing].join('\n'));
      journal.record.stoppedAt = { phase: 'preflight', reason: 'no mirror carries the Kubernetes packages' };
      journal.save();
      throw new UserError(`${pkgs.missing.join('\n')}\nlogs: ${journal.dir}`);
    }
    journal.note(initName, [...choice.lines, ...pkgs.lines].join('\n'));
    // on the console only when the preferred candidate was passed over (the run log has it all)
    for (const l of [...choice.lines, ...pkgs.lines].filter((x) => x.includes(' (preferred '))) (o.notify ?? ((x: string) => process.stderr.write(`${x}\n`)))(l);
    cluster = pkgs.cluster;
    const phases = o.build(cluster, facts);
    const runtimeEnv = new ClusterRuntimeEnv(initMasterOf(cluster).name, (v) => redactor.add(v));
    const out = await runPhases({
      phases,
      host: (n) => pool.get(n),
      journal,
      reporter,
      concurrency: o.concurrency,
      signal: interrupt.signal,
      hardStop: interrupt.hard,
      runtimeEnv,
      failFast: o.failFast,
      // hosts that are nodes already are likely converged: check all their steps in one exec first
      precheck: cluster.hosts.filter((h) => facts[h.name]?.isNode).map((h) => h.name),
    });
    // the join token was only for this run's joins: none is left valid behind it
    await runtimeEnv.revoke((n) => journaled.get(n) ?? pool.get(n)).catch((e: Error) => {
      journal.note(initMasterOf(cluster).name, e.message);
      (o.notify ?? ((l: string) => process.stderr.write(`${l}\n`)))(`warning: ${e.message}`);
    });
    if (out.ok && o.afterSuccess) {
      await o.afterSuccess({
        cluster,
        runDir: journal.dir,
        host: (name, label) => {
          const h = journaled.get(name);
          if (!h) throw new Error(`unknown host ${name}`);
          h.label = label;
          return h;
        },
      });
    }
    return { ...out, facts, runDir: journal.dir };
  } finally {
    interrupt.dispose();
    await pool.closeAll();
  }
}
