/**
 * `npm run seed`: the demo data `npm start` seeds, for a stack started another way (docker-compose's
 * `demo` profile, a dev cluster). Idempotent: writes through the router only what is missing.
 */
import { parseCommand, runCli } from '@commerce/kit/cli';
import { env, loadConfig } from '@commerce/kit/config';
import { seedDemoData } from './seed.js';

const spec = {
  command: 'npm run seed',
  summary: 'Writes the demo catalog, accounts and orders through the router, only what is missing (idempotent).',
  options: {},
  environment: [
    ['ROUTER_URL', 'the router to write through (default http://127.0.0.1:4000/graphql)'],
    ['ADMIN_EMAIL', 'an admin account of that stack (default admin@example.com)'],
    ['ADMIN_PASSWORD', "that account's password (default admin-password)"],
  ],
  exitCodes: { 1: 'a bad variable, or seeding through the router failed' },
} as const;

parseCommand(spec);
const config = loadConfig('seed', {
  ROUTER_URL: env.url('http://127.0.0.1:4000/graphql'),
  ADMIN_EMAIL: env.string('admin@example.com'),
  ADMIN_PASSWORD: env.string('admin-password'),
});

runCli(spec, async () => {
  try {
    const summary = await seedDemoData(config.ROUTER_URL, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
    console.log(`[seed] ${JSON.stringify(summary)}`);
  } catch (error) {
    throw new Error(`[seed] seeding through ${config.ROUTER_URL} failed: ${(error as Error).message}`);
  }
});
