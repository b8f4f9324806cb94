/** The products service's event machinery (its side of the stock saga, the rating derivation): the relay and the consumer group, on their own thread (kit events/thread). */
import { runEventsWorker } from '@commerce/kit/events/worker';
import { openDb } from '../db.js';
import { productHandlers } from './consume.js';

runEventsWorker({ openDb, handlers: productHandlers });
