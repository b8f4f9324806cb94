import { runService } from '@commerce/kit/run';
import { loadProductsConfig } from './config.js';
import { createProductsService } from './service.js';

await runService('products', loadProductsConfig, createProductsService);
