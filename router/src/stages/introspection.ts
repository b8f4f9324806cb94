/**
 * Stage `introspection`: `__schema` / `__type` are refused (400 `INTROSPECTION_DISABLED`) unless
 * introspection is on (INTROSPECTION, default: on except in production); `{ __typename }` always runs.
 */
import { introspectionEnabled, type Config } from '../config.js';
import { reject } from '../rejection.js';
import type { Stage } from './stage.js';

export type IntrospectionOptions = Pick<Config, 'INTROSPECTION' | 'NODE_ENV'>;

export function introspectionStage(options: IntrospectionOptions): Stage {
  const enabled = introspectionEnabled(options);
  return {
    name: 'introspection',
    run(state) {
      if (!enabled && state.measures?.introspection) throw reject(400, 'INTROSPECTION_DISABLED', 'GraphQL introspection has been disabled');
    },
  };
}
