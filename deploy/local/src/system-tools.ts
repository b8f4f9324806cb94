/**
 * The system tools the test suite needs beyond Node and npm, and how the project's own setup brings
 * them (`npm run setup`, which `npm test` runs first as its `pretest` step). Each is a Debian package:
 * where one is missing and the user may install packages (root, with apt-get), setup installs it
 * (`apt-get update` once, non-interactive); otherwise it stops and prints the one command to run.
 * `npm run doctor` lists the same tools.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface SystemTool {
  /** The command the suite runs (looked up on PATH). */
  command: string;
  /** The Debian package that brings it. */
  debianPackage: string;
  /** What needs it, for the messages. */
  usedBy: string;
  /** An environment variable that may name the binary instead of PATH (e.g. CHROMIUM_PATH). */
  pathVariable?: string;
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  { command: 'chromium', debianPackage: 'chromium', usedBy: 'the storefront browser tests (tests/browser)', pathVariable: 'CHROMIUM_PATH' },
  { command: 'promtool', debianPackage: 'prometheus', usedBy: 'the monitoring tests (rules, configs, rule unit tests)' },
  { command: 'prometheus', debianPackage: 'prometheus', usedBy: 'the monitoring tests (a real Prometheus scrapes the test stack)' },
  // Not in Debian's own archive: machines of this kind have it from the image's Kubernetes/Cloud SDK
  // apt source (package `kubectl`); where apt has no candidate, setup stops with the instruction.
  { command: 'kubectl', debianPackage: 'kubectl', usedBy: 'the Kubernetes manifest tests (its built-in kustomize renders deploy/k8s)' },
];

/** What setup can see of the machine; injected in the unit tests. */
export interface MachineProbe {
  /** Whether the tool's binary is there (on PATH, or at its path variable). */
  hasTool(tool: SystemTool): Promise<boolean>;
  isRoot: boolean;
  hasAptGet: boolean;
  /** Whether apt knows an installable version of the package (after `apt-get update`). */
  hasCandidate(debianPackage: string): Promise<boolean>;
}

export type SetupPlan =
  | { action: 'ready' }
  | { action: 'install'; packages: string[]; missing: SystemTool[] }
  | { action: 'stop'; missing: SystemTool[]; reason: string; command: string };

const unique = (values: string[]) => [...new Set(values)];

/** The one command a user runs to bring the missing tools (with sudo when not root). */
export function installCommand(packages: string[], isRoot: boolean): string {
  const sudo = isRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;
}

/** Which tools are missing and what to do about it. Pure given the probe. */
export async function planSetup(probe: MachineProbe, tools: readonly SystemTool[] = SYSTEM_TOOLS): Promise<SetupPlan> {
  const missing: SystemTool[] = [];
  for (const tool of tools) if (!(await probe.hasTool(tool))) missing.push(tool);
  if (missing.length === 0) return { action: 'ready' };
  const packages = unique(missing.map((tool) => tool.debianPackage));
  if (!probe.hasAptGet) {
    return { action: 'stop', missing, reason: 'apt-get is not available here', command: `install ${missing.map((tool) => tool.command).join(', ')} with your package manager (Debian packages: ${packages.join(' ')})` };
  }
  if (!probe.isRoot) return { action: 'stop', missing, reason: 'installing packages needs root', command: installCommand(packages, false) };
  return { action: 'install', packages, missing };
}

/** Of `packages`, those apt cannot install (no candidate in its sources). */
export async function withoutCandidate(probe: MachineProbe, packages: string[]): Promise<string[]> {
  const none: string[] = [];
  for (const name of packages) if (!(await probe.hasCandidate(name))) none.push(name);
  return none;
}

const run = promisify(execFile);

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a command up on PATH like the shell does, without running it. */
export function onPath(command: string, pathVariable = process.env.PATH ?? ''): string | null {
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    if (isExecutable(file)) return file;
  }
  return null;
}

/** The real machine. */
export const machineProbe: MachineProbe = {
  async hasTool(tool) {
    const explicit = tool.pathVariable ? process.env[tool.pathVariable] : undefined;
    return explicit ? isExecutable(explicit) : onPath(tool.command) !== null;
  },
  isRoot: process.getuid?.() === 0,
  hasAptGet: onPath('apt-get') !== null,
  async hasCandidate(debianPackage) {
    try {
      const { stdout } = await run('apt-cache', ['policy', debianPackage]);
      const candidate = /Candidate:\s*(\S+)/.exec(stdout)?.[1];
      return candidate !== undefined && candidate !== '(none)';
    } catch {
      return false;
    }
  },
};
