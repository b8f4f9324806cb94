import { runService } from '@commerce/kit/run';
import { loadUsersConfig } from './config.js';
import { createUsersService } from './service.js';

await runService('users', loadUsersConfig, createUsersService);
