import { loadConfig, type ConfigOf } from '@commerce/kit/config';
import { subgraphConfigRules, subgraphConfigShape } from '@commerce/kit/service-config';

export const configShape = {
  ...subgraphConfigShape('reviews'),
};

export type Config = ConfigOf<typeof configShape>;

export const loadReviewsConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('reviews', configShape, source, subgraphConfigRules);
