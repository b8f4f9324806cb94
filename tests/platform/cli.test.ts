import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKafka } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { repoRoot } from '@commerce/stack/paths';
import { run, unique } from '../support/run.js';

/**
 * Every `npm run` command follows one convention (subgraphs/kit/src/cli.ts): `--help` prints usage,
 * options, environment and exit codes and exits 0 having done nothing; an unknown flag is refused with
 * the usage and exit 2, also having done nothing. The commands are read from package.json, so a new
 * script is covered the day it is added.
 */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

// Where a command's work would go if it ran: a broker and a database server nobody listens on, a
// router that isn't there. A command that did any work would fail (exit 1) or hang, not exit 0 or 2.
const NOWHERE = {
  KAFKA_BROKERS: '127.0.0.1:1',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/postgres',
  ROUTER_URL: 'http://127.0.0.1:1/graphql',
  REDIS_URL: 'redis://127.0.0.1:1',
};

function npmRun(script: string, args: string[], env: Record<string, string> = NOWHERE): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', script, '--', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
// The commands that run one of our entry points (not tsc, eslint, vitest). `start` runs the whole
// platform and takes no arguments; `postinstall` is npm's hook; `pretest` is `setup` under npm's name.
const NOT_COMMANDS = new Set(['start', 'postinstall', 'pretest']);
const commands = Object.entries(scripts)
  .filter(([name, line]) => line.startsWith('node --import tsx ') && !NOT_COMMANDS.has(name))
  .map(([name]) => name);

describe('every npm run command answers --help and refuses unknown flags', () => {
  it('covers the operator commands the README lists', () => {
    expect(commands).toEqual(expect.arrayContaining(['kafka:topics', 'dlq', 'reconcile', 'seed', 'db:migrate', 'db:status', 'db:check', 'db:migration:new', 'db:generate', 'schema:check', 'compose', 'pq:generate', 'doctor', 'bench', 'bench:event-lag', 'setup']));
  });

  it.each(commands)('npm run %s -- --help: usage, options, exit codes; exit 0; nothing done', async (script) => {
    const outcome = await npmRun(script, ['--help']);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`^usage: npm run ${script.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&')}\\b`));
    expect(outcome.stdout).toContain('\nOptions:\n');
    expect(outcome.stdout).toContain('-h, --help');
    expect(outcome.stdout).toMatch(/\nExit codes:\n {2}0 {2}success\n[\s\S]* {2}2 {2}bad arguments/);
  });

  it.each(commands)('npm run %s -- --no-such-flag: refused with the usage, exit 2, nothing done', async (script) => {
    const outcome = await npmRun(script, ['--no-such-flag']);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toContain("Unknown option '--no-such-flag'");
    expect(outcome.stderr).toContain(`usage: npm run ${script}`);
  });

  it('kafka:topics -- --help creates no topic on a live broker (and without --help it does)', async () => {
    const prefix = `${unique('cli-')}.`;
    const env = { KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'error' };
    const admin = createKafka('cli-test', run.brokers, createLogger('cli-test', 'silent')).admin();
    await admin.connect();
    try {
      const ours = async () => (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      expect((await npmRun('kafka:topics', ['--help'], env)).code).toBe(0);
      expect((await npmRun('kafka:topics', ['--bogus'], env)).code).toBe(2);
      expect(await ours()).toEqual([]);
      // The same environment without the flag does create them: the check above could have seen some.
      const created = await npmRun('kafka:topics', [], env);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`topics ready on ${run.brokers.join(',')}`);
      expect((await ours()).length).toBeGreaterThan(0);
      await admin.deleteTopics({ topics: await ours() });
    } finally {
      await admin.disconnect();
    }
  });

  it('compose and pq:generate with --help write no file', async () => {
    const files = ['schema/supergraph.graphql', 'schema/persisted-queries/storefront.json'].map((file) => path.join(repoRoot, file));
    const before = files.map((file) => statSync(file).mtimeMs);
    expect((await npmRun('compose', ['--help'])).code).toBe(0);
    expect((await npmRun('pq:generate', ['--help'])).code).toBe(0);
    expect(files.map((file) => statSync(file).mtimeMs)).toEqual(before);
  });

  it('wrong positionals are refused with exit 2 before any connection', async () => {
    for (const [script, args, message] of [
      ['dlq', ['frob'], 'unknown command "frob"'],
      ['dlq', ['replay'], 'replay takes exactly one dead-letter topic'],
      ['db:status', ['no-such-service'], 'unknown service "no-such-service"'],
      ['db:migration:new', ['users'], 'a service and a migration name are required'],
      ['db:check', ['users'], "Unexpected argument 'users'"],
      ['reconcile', ['now'], "Unexpected argument 'now'"],
    ] as const) {
      const outcome = await npmRun(script, [...args]);
      expect(outcome.code, `${script} ${args.join(' ')}: ${outcome.stderr}`).toBe(2);
      expect(outcome.stderr).toContain(message);
    }
  });
});
