import { loadConfig, type ConfigOf } from '@commerce/kit/config';
import { subgraphConfigRules, subgraphConfigShape } from '@commerce/kit/service-config';

export const configShape = {
  ...subgraphConfigShape('orders'),
};

export type Config = ConfigOf<typeof configShape>;

export const loadOrdersConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('orders', configShape, source, subgraphConfigRules);
