/**
 * `npm run seed`: the demo data `npm start` seeds, for a stack started another way (docker-compose's
 * `demo` profile, a dev cluster). Idempotent: writes through the router only what is missing.
 */
import { env, loadConfig } from '@commerce/kit/config';
import { seedDemoData } from './seed.js';

const config = loadConfig('seed', {
  ROUTER_URL: env.url('http://127.0.0.1:4000/graphql'),
  ADMIN_EMAIL: env.string('admin@example.com'),
  ADMIN_PASSWORD: env.string('admin-password'),
});

try {
  const summary = await seedDemoData(config.ROUTER_URL, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  console.log(`[seed] ${JSON.stringify(summary)}`);
} catch (error) {
  console.error(`[seed] seeding through ${config.ROUTER_URL} failed: ${(error as Error).message}`);
  process.exit(1);
}
