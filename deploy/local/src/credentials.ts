/** The credentials line of `npm start`'s banner. */
import { DEV_ADMIN_PASSWORD } from './config.js';
import { DEMO_PASSWORD } from './seed.js';

/**
 * Passwords are printed only when they are the development defaults and NODE_ENV is not production:
 * a real password never reaches a terminal or a CI log.
 */
export function credentialsLine(config: { NODE_ENV: string; ADMIN_EMAIL: string; ADMIN_PASSWORD: string; SEED_DEMO_DATA: boolean }): string {
  const development = config.NODE_ENV !== 'production';
  const admin = development && config.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD ? `${config.ADMIN_EMAIL} / ${DEV_ADMIN_PASSWORD} (dev default)` : `${config.ADMIN_EMAIL} (password from ADMIN_PASSWORD)`;
  const shoppers = development && config.SEED_DEMO_DATA ? `   Shoppers: alice@example.com … dan@example.com / ${DEMO_PASSWORD}` : '';
  return `  Admin: ${admin}${shoppers}`;
}
