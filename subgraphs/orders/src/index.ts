import { runService } from '@commerce/kit/run';
import { loadOrdersConfig } from './config.js';
import { createOrdersService } from './service.js';

await runService('orders', loadOrdersConfig, createOrdersService);
