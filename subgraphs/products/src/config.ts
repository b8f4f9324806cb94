import { loadConfig, type ConfigOf } from '@commerce/kit/config';
import { subgraphConfigRules, subgraphConfigShape } from '@commerce/kit/service-config';

export const configShape = {
  ...subgraphConfigShape('products'),
};

export type Config = ConfigOf<typeof configShape>;

export const loadProductsConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('products', configShape, source, subgraphConfigRules);
