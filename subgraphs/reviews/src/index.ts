import { runService } from '@commerce/kit/run';
import { loadReviewsConfig } from './config.js';
import { createReviewsService } from './service.js';

await runService('reviews', loadReviewsConfig, createReviewsService);
