/**
 * `npm run setup` (and `npm test`'s `pretest` step): brings the system tools the test suite needs
 * (see system-tools.ts) where they are missing: as root with apt-get, it installs their Debian
 * packages; otherwise it stops and prints the one command to run.
 */
import { spawn } from 'node:child_process';
import { parseCommand } from '@commerce/kit/cli';
import { installCommand, machineProbe, planSetup, withoutCandidate, type SystemTool } from './system-tools.js';

parseCommand({
  command: 'npm run setup',
  summary:
    'Checks the system tools the tests need (chromium, promtool, prometheus, kubectl) and installs the missing ones from Debian ' +
    'packages when running as root with apt-get; otherwise prints the command to run. `npm test` runs it first.',
  options: {},
  exitCodes: { 1: 'a tool is missing and could not be installed here (the command to run is printed)' },
});

const say = (line: string) => process.stdout.write(`[setup] ${line}\n`);
const listed = (tools: SystemTool[]) => tools.map((tool) => `  ${tool.command} (Debian package ${tool.debianPackage}): ${tool.usedBy}`).join('\n');

function apt(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function stop(missing: SystemTool[], reason: string, command: string): never {
  process.stderr.write(`[setup] missing for the tests (${reason}):\n${listed(missing)}\n[setup] run:\n  ${command}\n`);
  process.exit(1);
}

const plan = await planSetup(machineProbe);
if (plan.action === 'ready') {
  say('chromium, promtool, prometheus and kubectl are installed');
  process.exit(0);
}
if (plan.action === 'stop') stop(plan.missing, plan.reason, plan.command);

say(`installing ${plan.packages.join(' ')} (apt-get, once; missing: ${plan.missing.map((tool) => tool.command).join(', ')})`);
const started = Date.now();
if ((await apt(['update', '-qq'])) !== 0) stop(plan.missing, 'apt-get update failed', installCommand(plan.packages, true));
const unavailable = await withoutCandidate(machineProbe, plan.packages);
const installable = plan.packages.filter((name) => !unavailable.includes(name));
if (installable.length > 0 && (await apt(['install', '-y', '-qq', ...installable])) !== 0) {
  stop(plan.missing, 'apt-get install failed', installCommand(installable, true));
}
const after = await planSetup(machineProbe);
if (after.action !== 'ready') {
  const still = after.missing;
  const reason = unavailable.length > 0 ? `apt has no candidate for ${unavailable.join(', ')}: add the source that provides it` : 'still missing after apt-get install';
  stop(still, reason, unavailable.includes('kubectl') ? 'install kubectl 1.27 or newer (e.g. from the Kubernetes apt repository), then run npm test again' : installCommand(unique(still), true));
}
say(`installed ${installable.join(' ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);

function unique(tools: SystemTool[]): string[] {
  return [...new Set(tools.map((tool) => tool.debianPackage))];
}
