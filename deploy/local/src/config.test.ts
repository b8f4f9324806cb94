import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { DEFAULT_METRICS_PORTS } from '@commerce/kit/service-config';
import { stackConfigShape, stackPorts } from './config.js';
import { processPorts } from './stack.js';

const METRICS_VARIABLES = {
  router: 'ROUTER_METRICS_PORT',
  users: 'USERS_METRICS_PORT',
  products: 'PRODUCTS_METRICS_PORT',
  reviews: 'REVIEWS_METRICS_PORT',
  orders: 'ORDERS_METRICS_PORT',
} as const;

describe("npm start's metrics ports", () => {
  it('gives each process the METRICS_PORT its <NAME>_METRICS_PORT says, beside its own PORT', () => {
    const env = { ROUTER_METRICS_PORT: '14890', USERS_METRICS_PORT: '14891', PRODUCTS_METRICS_PORT: '14892', REVIEWS_METRICS_PORT: '14893', ORDERS_METRICS_PORT: '14894', ROUTER_PORT: '14880' };
    const ports = stackPorts(parseConfig(stackConfigShape, env));
    expect(Object.fromEntries(Object.keys(METRICS_VARIABLES).map((name) => [name, processPorts(name as keyof typeof METRICS_VARIABLES, ports)]))).toEqual({
      router: { PORT: '14880', METRICS_PORT: '14890' },
      users: { PORT: '4001', METRICS_PORT: '14891' },
      products: { PORT: '4002', METRICS_PORT: '14892' },
      reviews: { PORT: '4003', METRICS_PORT: '14893' },
      orders: { PORT: '4004', METRICS_PORT: '14894' },
    });
  });

  it('defaults to the ports the services themselves default to', () => {
    expect(stackPorts(parseConfig(stackConfigShape, {})).metricsPorts).toEqual(DEFAULT_METRICS_PORTS);
  });

  it('refuses a value that is not a port, naming the variable', () => {
    for (const variable of Object.values(METRICS_VARIABLES)) {
      for (const bad of ['ninety', '70000', '-1']) {
        const error = (() => {
          try {
            parseConfig(stackConfigShape, { [variable]: bad });
          } catch (caught) {
            return caught;
          }
          return null;
        })();
        expect(error, `${variable}=${bad}`).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]), `${variable}=${bad}`).toEqual([variable]);
      }
    }
  });
});
