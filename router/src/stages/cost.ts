/**
 * Stage `cost`: demand control, the static cost estimate Apollo's router computes. A query costs 0 to
 * start, a mutation 10; each field costs count × (weight + cost of its selections) + its arguments'
 * costs, where object, interface and union fields weigh 1 and scalars and enums 0, unless
 * `@cost(weight:)` says otherwise. A list's count comes from `@listSize`: the largest slicing argument
 * given (a literal or a variable), else `assumedSize`, else COST_DEFAULT_LIST_SIZE; `sizedFields` moves
 * that count from the field (a connection) to the named child fields (its `edges`). Every count is
 * clamped to 0..MAX_SLICING_ARGUMENT, so no argument lowers the estimate (the `slicing` stage has
 * already refused out-of-range ones), and sums saturate instead of overflowing.
 *
 * Linear in the document: a fragment's cost is computed once per list-size context it is spread in.
 * Over COST_MAX: 400 `COST_ESTIMATED_TOO_EXPENSIVE` (COST_MODE=enforce) or a warning (measure).
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  Kind,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
} from 'graphql';
import type { Logger } from '@commerce/kit/logger';
import type { Config } from '../config.js';
import type { RouterMetrics } from '../metrics.js';
import { add, conditionType, fieldOf, mul, type Operation } from '../operation.js';
import { reject } from '../rejection.js';
import type { SchemaMetadata } from '../schema-metadata.js';
import { argumentValue } from './slicing.js';
import type { Stage } from './stage.js';

export type CostOptions = Pick<Config, 'COST_MODE' | 'COST_MAX' | 'COST_DEFAULT_LIST_SIZE' | 'MAX_SLICING_ARGUMENT'>;

export function estimateCost(
  op: Operation,
  metadata: SchemaMetadata,
  variables: Record<string, unknown> | undefined,
  options: Pick<CostOptions, 'COST_DEFAULT_LIST_SIZE' | 'MAX_SLICING_ARGUMENT'>,
): number {
  const schema = metadata.apiSchema;
  const vars = variables ?? {};
  const clamp = (value: number) => Math.min(Math.max(0, value), options.MAX_SLICING_ARGUMENT);
  const fragmentCosts = new Map<string, number>();
  const active = new Set<string>();

  /** How many items a list-returning (or sized) field stands for. */
  const listCount = (parent: GraphQLCompositeType, node: FieldNode, field: GraphQLField<unknown, unknown>): number => {
    const listSize = metadata.fieldCost(parent.name, field.name)?.listSize;
    let largest: number | undefined;
    for (const name of listSize?.slicingArguments ?? []) {
      const given = node.arguments?.find((arg) => arg.name.value === name);
      const value = given ? argumentValue(op, given.value, vars) : field.args.find((arg) => arg.name === name)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) largest = Math.max(largest ?? 0, clamp(value));
    }
    return largest ?? clamp(listSize?.assumedSize ?? options.COST_DEFAULT_LIST_SIZE);
  };

  const selectionsCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, sized: Map<string, number>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) total = add(total, selectionsCost(selection.selectionSet, type, sized));
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        total = add(total, fragmentCost(selection.name.value, sized));
      } else {
        total = add(total, fieldCost(selection, parent, sized));
      }
    }
    return total;
  };

  const fragmentCost = (name: string, sized: Map<string, number>): number => {
    const key = `${name}\u0000${[...sized].join(',')}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = op.fragments.get(name);
    const type = fragment && conditionType(schema, fragment.typeCondition.name.value);
    if (!fragment || !type || active.has(name)) return 0; // cycles were refused by `limits`
    active.add(name);
    const cost = selectionsCost(fragment.selectionSet, type, sized);
    active.delete(name);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, sized: Map<string, number>): number => {
    const field = fieldOf(parent, node);
    if (!field) return 0;
    const named = getNamedType(field.type);
    const declared = metadata.fieldCost(parent.name, field.name);
    const weight = Math.max(0, declared?.weight ?? metadata.typeWeight(named.name) ?? (isCompositeType(named) ? 1 : 0));

    let argumentsCost = 0;
    for (const arg of field.args) {
      if (!node.arguments?.some((given) => given.name.value === arg.name)) continue;
      argumentsCost += Math.max(0, declared?.argumentWeights[arg.name] ?? (isInputObjectType(getNamedType(arg.type)) ? 1 : 0));
    }

    const isList = isListType(getNullableType(field.type));
    const sizedFields = declared?.listSize?.sizedFields;
    let count = sized.get(node.name.value) ?? (isList ? listCount(parent, node, field) : 1);
    let childSized = new Map<string, number>();
    if (sizedFields && sizedFields.length > 0) {
      const size = listCount(parent, node, field);
      childSized = new Map(sizedFields.map((name) => [name, size]));
      if (!isList) count = sized.get(node.name.value) ?? 1;
    }
    const children = node.selectionSet && isCompositeType(named) ? selectionsCost(node.selectionSet, named, childSized) : 0;
    return add(mul(count, add(weight, children)), argumentsCost);
  };

  const root = schema.getRootType(op.operation.operation);
  const base = op.operation.operation === 'mutation' ? 10 : 0;
  return root ? add(base, selectionsCost(op.operation.selectionSet, root, new Map())) : base;
}

export function costStage(options: CostOptions, deps: { metrics: RouterMetrics; log: Logger }): Stage {
  return {
    name: 'cost',
    run(state) {
      if (!state.operation || !state.metadata) return;
      const cost = estimateCost(state.operation, state.metadata, state.raw.variables, options);
      deps.metrics.cost.observe(cost);
      if (cost <= options.COST_MAX) return;
      if (options.COST_MODE === 'measure') {
        deps.log.warn({ cost, max: options.COST_MAX }, 'operation over the cost limit (measure mode)');
        return;
      }
      const message = `query estimated cost ${cost} exceeded configured maximum ${options.COST_MAX}`;
      throw reject(400, 'COST_ESTIMATED_TOO_EXPENSIVE', message, { cost: { estimated: cost, max: options.COST_MAX } });
    },
  };
}
