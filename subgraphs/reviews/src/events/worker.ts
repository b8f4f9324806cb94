/** The reviews service's event machinery: the relay and the consumer group, on their own thread (kit events/thread). */
import { runEventsWorker } from '@commerce/kit/events/worker';
import { openDb } from '../db.js';
import { reviewHandlers } from './consume.js';

runEventsWorker({ openDb, handlers: reviewHandlers });
