/**
 * Schema changes between two API schemas (@graphql-inspector/core classifies each as breaking,
 * dangerous or safe), and which operations each breaking one would break.
 */
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { coordinatesUsed, type Operation } from './operations.js';

export type Severity = 'BREAKING' | 'DANGEROUS' | 'SAFE';

export interface SchemaChange {
  severity: Severity;
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  code: string;
  /** The schema coordinate it is about, e.g. `Product.description`. */
  coordinate: string;
  description: string;
  /** Operations (by name and source) that use what changed. */
  operations: { name: string; source: string }[];
}

const SEVERITY: Record<CriticalityLevel, Severity> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

/**
 * Whether an operation using `used` is touched by a change at `coordinate`. A change to a type touches
 * operations using the type; to a field, operations selecting it; to an argument or input field,
 * operations passing it — and a new required argument or input field touches every operation using the
 * field or input type, since none of them pass it yet.
 */
function touches(change: Change, coordinate: string, used: Set<string>): boolean {
  if (used.has(coordinate)) return true;
  const parts = coordinate.split('.');
  const requiredAddition = change.criticality.level === CriticalityLevel.Breaking && /_ADDED$/.test(change.type);
  if (requiredAddition && parts.length > 1) return used.has(parts.slice(0, -1).join('.'));
  return false;
}

export async function schemaChanges(base: GraphQLSchema, proposed: GraphQLSchema, operations: Operation[]): Promise<SchemaChange[]> {
  const changes = await diff(base, proposed);
  const usage = operations.map((operation) => ({ operation, used: coordinatesUsed(base, operation.document) }));
  return changes.map((change) => {
    const coordinate = change.path ?? '';
    const affected = change.criticality.level === CriticalityLevel.NonBreaking
      ? []
      : usage.filter(({ used }) => coordinate && touches(change, coordinate, used)).map(({ operation }) => ({ name: operation.name, source: operation.source }));
    return {
      severity: SEVERITY[change.criticality.level],
      code: change.type,
      coordinate,
      description: change.message,
      operations: affected,
    };
  });
}
