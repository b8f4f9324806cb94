/**
 * The storefront in Chromium for the browser tests: Debian's chromium driven by playwright-core,
 * pages at desktop (1200 × 860) or phone (390 × 844) size that record every console error and
 * uncaught exception (a test fails on any it did not expect), axe-core injected to check WCAG 2.2 AA
 * and best practices, and screenshots under tests/artifacts/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@commerce/stack/paths';
import { PASSWORD } from '../support/accounts.js';
import { run, unique } from '../support/run.js';

const shots = path.join(repoRoot, 'tests/artifacts/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const VIEWPORTS = {
  desktop: { width: 1200, height: 860 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function launch(): Promise<Browser> {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface ShopPage {
  page: Page;
  /** Console errors and uncaught exceptions so far, minus the ones declared expected. */
  errors: string[];
  /** Declares console errors this test provokes on purpose (e.g. the browser's log of a refused request). */
  expectErrors: (pattern: RegExp) => void;
  /** Fails on any unexpected console error, then closes the page. */
  close: () => Promise<void>;
}

export async function openShop(browser: Browser, viewport: ViewportName = 'desktop'): Promise<ShopPage> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const seen: string[] = [];
  const allowed: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
  const shop: ShopPage = {
    page,
    get errors() {
      return seen.filter((line) => !allowed.some((pattern) => pattern.test(line)));
    },
    expectErrors: (pattern) => void allowed.push(pattern),
    close: async () => {
      const unexpected = shop.errors;
      await context.close();
      expect(unexpected, 'console errors').toEqual([]);
    },
  };
  return shop;
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

export const url = (pathname: string) => new URL(pathname, run.storefrontUrl).toString();

/**
 * axe-core on the page as it is now: WCAG 2.0/2.1/2.2 A and AA (contrast, labels, target size ≥ 24 px)
 * plus best practices (one main heading, landmarks, heading order). Fails listing each violation.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
  });
  expect(violations, `axe violations on ${state}`).toEqual([]);
}

/** Nothing sticks out sideways: the page is no wider than the viewport (a 390 px phone included). */
export async function expectNoSidewaysScroll(page: Page, state: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `sideways overflow (px) on ${state}`).toBeLessThanOrEqual(0);
}

/** The title each page sets ("Cart · Commerce"). */
export async function expectTitle(page: Page, title: string): Promise<void> {
  await expect.poll(() => page.title()).toBe(`${title} · Commerce`);
}

export interface Shopper {
  name: string;
  email: string;
}

/** Signs a new shopper up through the sign-in page, from wherever the page is. */
export async function signUpInBrowser(page: Page, name: string): Promise<Shopper> {
  const email = `${unique(name.toLowerCase().replace(/\W/g, ''))}@example.test`;
  await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe(name);
  return { name, email };
}

export async function logInInBrowser(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

export const orderStatus = (page: Page) => page.getByTestId('order-status').getAttribute('data-status');
