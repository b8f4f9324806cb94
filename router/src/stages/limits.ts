/**
 * Stage `limits`: Apollo's request limits over the whole operation with fragments expanded where they
 * are spread (depth, height, root fields, aliases, directives: 400 with `data: {}` and one error per
 * limit exceeded, or only logged in LIMITS_MODE=warn), plus MAX_EXPANDED_FIELDS, the size of what the
 * gateway would plan, which is enforced in both modes because it is what keeps every later stage and
 * the query planner bounded. Measuring is linear in the document (see `measure`); fragment cycles are
 * refused here. Measures are cached per operation until the schema changes.
 */
import type { OperationDefinitionNode } from 'graphql';
import type { Logger } from '@commerce/kit/logger';
import type { Config } from '../config.js';
import { measure, type Measures } from '../operation.js';
import { Rejection } from '../rejection.js';
import type { Stage } from './stage.js';

export type LimitsOptions = Pick<
  Config,
  'LIMITS_MODE' | 'MAX_DEPTH' | 'MAX_HEIGHT' | 'MAX_ROOT_FIELDS' | 'MAX_ALIASES' | 'MAX_DIRECTIVES' | 'MAX_EXPANDED_FIELDS'
>;

/** Apollo's codes for each limit, in the order they are reported. */
export function limitErrors(measures: Measures, options: LimitsOptions) {
  const checks = [
    ['MAX_DEPTH_LIMIT', measures.depth, options.MAX_DEPTH, 'Maximum depth limit exceeded in this operation'],
    ['MAX_HEIGHT_LIMIT', measures.height, options.MAX_HEIGHT, 'Maximum height (field count) limit exceeded in this operation'],
    ['MAX_ROOT_FIELDS_LIMIT', measures.rootFields, options.MAX_ROOT_FIELDS, 'Maximum root fields limit exceeded in this operation'],
    ['MAX_ALIASES_LIMIT', measures.aliases, options.MAX_ALIASES, 'Maximum aliases limit exceeded in this operation'],
    ['MAX_DIRECTIVES_LIMIT', measures.directives, options.MAX_DIRECTIVES, 'Maximum directives limit exceeded in this operation'],
    ['MAX_EXPANDED_FIELDS_LIMIT', measures.expandedFields, options.MAX_EXPANDED_FIELDS, 'Maximum number of fields, with fragments expanded, exceeded in this operation'],
  ] as const;
  return checks
    .filter(([, actual, max]) => actual > max)
    .map(([code, actual, max, message]) => ({ message, extensions: { code, actual, limit: max } }));
}

export function limitsStage(options: LimitsOptions, log: Logger): Stage {
  let measured = new WeakMap<OperationDefinitionNode, Measures | Rejection>();
  return {
    name: 'limits',
    run(state) {
      const op = state.operation;
      if (!op || !state.metadata) return;
      let entry = measured.get(op.operation);
      if (!entry) {
        try {
          entry = measure(op, state.metadata.apiSchema);
        } catch (error) {
          if (!(error instanceof Rejection)) throw error;
          entry = error;
        }
        measured.set(op.operation, entry);
      }
      if (entry instanceof Rejection) throw entry;
      state.measures = entry;
      const errors = limitErrors(entry, options);
      if (errors.length === 0) return;
      const always = errors.filter((error) => error.extensions.code === 'MAX_EXPANDED_FIELDS_LIMIT');
      if (options.LIMITS_MODE === 'enforce' || always.length > 0) {
        throw new Rejection(400, options.LIMITS_MODE === 'enforce' ? errors : always, { data: {} });
      }
      log.warn({ measures: entry, errors: errors.map((e) => e.extensions.code) }, 'operation over limits (warn mode)');
    },
    schemaChanged() {
      measured = new WeakMap();
    },
  };
}
