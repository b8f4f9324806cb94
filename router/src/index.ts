import { runService } from '@commerce/kit/run';
import { loadRouterConfig } from './config.js';
import { createRouter } from './server.js';

await runService('router', loadRouterConfig, createRouter);
