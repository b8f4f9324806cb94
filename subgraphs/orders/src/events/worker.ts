/** The orders service's event machinery (the catalog replica, its side of the stock saga): the relay and the consumer group, on their own thread (kit events/thread). */
import { runEventsWorker } from '@commerce/kit/events/worker';
import { openDb } from '../db.js';
import { orderHandlers } from './consume.js';

runEventsWorker({ openDb, handlers: orderHandlers });
