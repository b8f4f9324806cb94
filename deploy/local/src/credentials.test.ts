import { describe, expect, it } from 'vitest';
import { credentialsLine } from './credentials.js';

const dev = { NODE_ENV: 'development', ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'admin-password', SEED_DEMO_DATA: true };

describe("npm start's credentials line", () => {
  it('shows the dev default passwords in development', () => {
    expect(credentialsLine(dev)).toBe('  Admin: admin@example.com / admin-password (dev default)   Shoppers: alice@example.com … dan@example.com / password123');
  });

  it('never prints a password that is not the dev default', () => {
    expect(credentialsLine({ ...dev, ADMIN_PASSWORD: 's3cret-from-vault' })).not.toContain('s3cret');
  });

  it('prints no password at all in production, not even the defaults', () => {
    const line = credentialsLine({ ...dev, NODE_ENV: 'production' });
    expect(line).toBe('  Admin: admin@example.com (password from ADMIN_PASSWORD)');
  });
});
