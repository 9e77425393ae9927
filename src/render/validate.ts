/**
 * Validation of rendered Kubernetes objects against the upstream OpenAPI schemas, through
 * the kubernetes-models classes. Each kind's module is loaded on first use (importing the
 * whole package costs most of a second), synchronously so rendering stays synchronous.
 */
import { createRequire } from 'node:module';
import { UserError } from '../errors.ts';

const requireModel = createRequire(import.meta.url);

interface ModelInstance {
  validate(): void;
}
type ModelClass = new (data: unknown) => ModelInstance;

const cache = new Map<string, ModelClass | null>();

/** The kubernetes-models class for an apiVersion/kind, or undefined when the package has none. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let found: ModelClass | null = null;
  if (/^[a-z0-9.]+(\/[a-z0-9]+)?$/.test(apiVersion) && /^[A-Za-z]+$/.test(kind)) {
    try {
      const mod = requireModel(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
      const cls = mod[kind];
      if (typeof cls === 'function') found = cls as ModelClass;
    } catch {
      found = null; // custom resources and kinds the package does not know
    }
  }
  cache.set(key, found);
  return found ?? undefined;
}

export interface ValidationReport {
  validated: number;
  /** "apiVersion/kind name" of objects no schema was available for */
  unchecked: string[];
}

/** A manifest the user supplied (or downloaded) is wrong: their problem to fix, said plainly. */
export class ValidationError extends UserError {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source}: invalid Kubernetes objects:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate every object; throws ValidationError naming each invalid object and why. */
export function validateObjects(objects: unknown[], source: string): ValidationReport {
  const problems: string[] = [];
  const unchecked: string[] = [];
  let validated = 0;
  objects.forEach((obj, i) => {
    if (!isRecord(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      problems.push(`document ${i + 1}: not a Kubernetes object (apiVersion and kind are required)`);
      return;
    }
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    const label = `${obj.apiVersion} ${obj.kind} ${typeof meta.name === 'string' ? meta.name : '(no name)'}`;
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      unchecked.push(label);
      return;
    }
    try {
      new Model(obj).validate();
      validated++;
    } catch (err) {
      problems.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  if (problems.length) throw new ValidationError(source, problems);
  return { validated, unchecked };
}
