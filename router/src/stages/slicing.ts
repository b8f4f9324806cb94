/**
 * Stage `slicing`: every slicing argument named by `@listSize(slicingArguments:)` (`first`, ...) in
 * the whole operation, given as a literal or through a variable, must be an integer from 0 to
 * MAX_SLICING_ARGUMENT; anything else is refused before execution with 400 `BAD_USER_INPUT` naming the
 * argument, so a negative or absurd size can neither reach a subgraph nor lower the cost estimate.
 * Non-numeric values are left to graphql-js's variable coercion and validation.
 */
import { Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import type { Config } from '../config.js';
import { eachField, type Operation } from '../operation.js';
import { Rejection, type RouterError } from '../rejection.js';
import type { SchemaMetadata } from '../schema-metadata.js';
import type { Stage } from './stage.js';

export type SlicingOptions = Pick<Config, 'MAX_SLICING_ARGUMENT'>;

/** The value an argument's AST has, with `variables` (and the operation's variable defaults) substituted. */
export function argumentValue(op: Operation, value: ValueNode, variables: Record<string, unknown>): unknown {
  if (value.kind !== Kind.VARIABLE) return valueFromASTUntyped(value, variables);
  const name = value.name.value;
  if (name in variables) return variables[name];
  const declared = op.operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
  return declared ? valueFromASTUntyped(declared) : undefined;
}

/** One error per slicing argument out of range, at most 20 (the first ones in document order). */
export function slicingErrors(op: Operation, metadata: SchemaMetadata, variables: Record<string, unknown>, max: number): RouterError[] {
  const errors: RouterError[] = [];
  eachField(op, metadata.apiSchema, (node, parent, field) => {
    const slicing = field && metadata.fieldCost(parent.name, field.name)?.listSize?.slicingArguments;
    if (!slicing || errors.length >= 20) return;
    for (const argument of node.arguments ?? []) {
      if (!slicing.includes(argument.name.value)) continue;
      const value = argumentValue(op, argument.value, variables);
      if (typeof value !== 'number' || (Number.isInteger(value) && value >= 0 && value <= max)) continue;
      errors.push({
        message: `${parent.name}.${field.name}(${argument.name.value}:) must be an integer from 0 to ${max}`,
        extensions: { code: 'BAD_USER_INPUT', argumentName: argument.name.value },
      });
    }
  });
  return errors;
}

export function slicingStage(options: SlicingOptions): Stage {
  return {
    name: 'slicing',
    run(state) {
      if (!state.operation || !state.metadata) return;
      const errors = slicingErrors(state.operation, state.metadata, state.raw.variables ?? {}, options.MAX_SLICING_ARGUMENT);
      if (errors.length > 0) throw new Rejection(400, errors);
    },
  };
}
