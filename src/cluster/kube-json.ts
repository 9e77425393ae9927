/**
 * The parts of kubectl's JSON output kubeforge reads, checked with zod where they enter
 * (loose objects: the API adds fields, we name only what we use).
 */
import { z } from 'zod';
import { UserError } from '../errors.ts';

const meta = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  ownerReferences: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
});

export const secretSchema = z.looseObject({
  metadata: meta,
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
});
export type SecretJson = z.infer<typeof secretSchema>;

const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const nodeSchema = z.looseObject({
  metadata: meta,
  spec: z.looseObject({
    taints: z.array(z.looseObject({ key: z.string(), effect: z.string(), value: z.string().optional() })).optional(),
    unschedulable: z.boolean().optional(),
  }).optional(),
  status: z.looseObject({
    conditions: z.array(condition).optional(),
    addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).optional(),
  }).optional(),
});
export type NodeJson = z.infer<typeof nodeSchema>;

const containerState = z.looseObject({
  waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.looseObject({ startedAt: z.string().optional() }).optional(),
  terminated: z.looseObject({ reason: z.string().optional(), message: z.string().optional(), exitCode: z.number().optional() }).optional(),
});

const containerStatus = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  ready: z.boolean().optional(),
  restartCount: z.number().optional(),
  state: containerState.optional(),
  lastState: containerState.optional(),
});

export const podSchema = z.looseObject({
  metadata: meta,
  spec: z.looseObject({ nodeName: z.string().optional() }).optional(),
  status: z.looseObject({
    phase: z.string().optional(),
    reason: z.string().optional(),
    message: z.string().optional(),
    conditions: z.array(condition).optional(),
    containerStatuses: z.array(containerStatus).optional(),
    initContainerStatuses: z.array(containerStatus).optional(),
  }).optional(),
});
export type PodJson = z.infer<typeof podSchema>;

const listOf = <T extends z.ZodType>(item: T) => z.looseObject({ items: z.array(item) });

/** `kubectl get ... -o json` text -> the list's items, or a UserError saying what did not fit. */
export function parseList<T extends z.ZodType>(text: string, item: T, what: string): z.infer<T>[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserError(`kubectl get ${what} did not print JSON: ${text.trim().split('\n')[0]?.slice(0, 200) ?? ''}`);
  }
  const r = listOf(item).safeParse(raw);
  if (!r.success) throw new UserError(`kubectl get ${what}: unexpected JSON (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''})`);
  return r.data.items as z.infer<T>[];
}
