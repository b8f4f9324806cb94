/**
 * Demand control: the static cost estimate Apollo's router computes. A query costs 0 to start, a
 * mutation 10; each field costs count × (weight + cost of its selections) + its arguments' costs, where
 * object, interface and union fields weigh 1 and scalars and enums 0, unless `@cost(weight:)` says
 * otherwise. A list's count comes from `@listSize`: the largest slicing argument given (a literal or a
 * variable), else `assumedSize`, else the configured default; `sizedFields` moves that count from the
 * field (a connection) to the named child fields (its `edges`).
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
} from 'graphql';
import type { Analysis } from './operation.js';
import type { SchemaMetadata } from './schema-metadata.js';

export function estimateCost(
  analysis: Analysis,
  metadata: SchemaMetadata,
  variables: Record<string, unknown> | undefined,
  defaultListSize: number,
): number {
  const schema = metadata.apiSchema;
  const vars = variables ?? {};

  const argumentValue = (node: FieldNode, name: string): unknown => {
    const argument = node.arguments?.find((arg) => arg.name.value === name);
    if (!argument) return undefined;
    return argument.value.kind === Kind.VARIABLE ? vars[argument.value.name.value] : valueFromASTUntyped(argument.value, vars);
  };

  /** How many items a list-returning (or sized) field stands for. */
  const listCount = (parent: GraphQLCompositeType, node: FieldNode, field: GraphQLField<unknown, unknown>): number => {
    const listSize = metadata.fieldCost(parent.name, field.name)?.listSize;
    const slicing = (listSize?.slicingArguments ?? [])
      .map((name) => argumentValue(node, name) ?? field.args.find((arg) => arg.name === name)?.defaultValue)
      .filter((value): value is number => typeof value === 'number');
    if (slicing.length > 0) return Math.max(...slicing);
    return listSize?.assumedSize ?? defaultListSize;
  };

  const selectionsCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, sized: Map<string, number>, spread: Set<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionsCost(selection.selectionSet, type, sized, spread);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = analysis.fragments.get(selection.name.value);
        if (!fragment || spread.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) total += selectionsCost(fragment.selectionSet, type, sized, new Set([...spread, fragment.name.value]));
        continue;
      }
      total += fieldCost(selection, parent, sized, spread);
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, sized: Map<string, number>, spread: Set<string>): number => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const field = parent.getFields()[node.name.value];
    if (!field) return 0;
    const named = getNamedType(field.type);
    const declared = metadata.fieldCost(parent.name, field.name);
    const weight = declared?.weight ?? metadata.typeWeight(named.name) ?? (isCompositeType(named) ? 1 : 0);

    let argumentsCost = 0;
    for (const arg of field.args) {
      if (!node.arguments?.some((given) => given.name.value === arg.name)) continue;
      argumentsCost += declared?.argumentWeights[arg.name] ?? (isInputObjectType(getNamedType(arg.type)) ? 1 : 0);
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
    const children = node.selectionSet && isCompositeType(named) ? selectionsCost(node.selectionSet, named, childSized, spread) : 0;
    return count * (weight + children) + argumentsCost;
  };

  const root = schema.getRootType(analysis.operation.operation);
  const base = analysis.operation.operation === 'mutation' ? 10 : 0;
  return root ? base + selectionsCost(analysis.operation.selectionSet, root, new Map(), new Set()) : base;
}
