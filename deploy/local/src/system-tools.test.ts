import { describe, expect, it } from 'vitest';
import { installCommand, planSetup, SYSTEM_TOOLS, withoutCandidate, type MachineProbe } from './system-tools.js';

/** A machine where only `present` commands exist and apt knows only `candidates`. */
function machine(present: string[], { isRoot = true, hasAptGet = true, candidates = ['chromium', 'prometheus', 'kubectl'] } = {}): MachineProbe {
  return {
    hasTool: async (tool) => present.includes(tool.command),
    isRoot,
    hasAptGet,
    hasCandidate: async (name) => candidates.includes(name),
  };
}

describe('planSetup: what npm test\'s pretest step does about missing system tools', () => {
  it('does nothing when every tool is there', async () => {
    expect(await planSetup(machine(['chromium', 'promtool', 'prometheus', 'kubectl']))).toEqual({ action: 'ready' });
  });

  it('as root with apt-get, installs the Debian packages of the missing tools, each package once', async () => {
    const plan = await planSetup(machine(['kubectl']));
    expect(plan).toMatchObject({ action: 'install', packages: ['chromium', 'prometheus'] });
    expect(plan.action === 'install' && plan.missing.map((tool) => tool.command)).toEqual(['chromium', 'promtool', 'prometheus']);
  });

  it('without root, stops with the one sudo command to run', async () => {
    const plan = await planSetup(machine(['chromium', 'kubectl'], { isRoot: false }));
    expect(plan).toEqual({
      action: 'stop',
      missing: SYSTEM_TOOLS.filter((tool) => tool.debianPackage === 'prometheus'),
      reason: 'installing packages needs root',
      command: 'sudo apt-get update && sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus',
    });
  });

  it('without apt-get, stops and names the tools and their Debian packages', async () => {
    const plan = await planSetup(machine([], { hasAptGet: false }));
    expect(plan.action).toBe('stop');
    expect(plan.action === 'stop' && plan.command).toBe('install chromium, promtool, prometheus, kubectl with your package manager (Debian packages: chromium prometheus kubectl)');
  });

  it('tells which packages apt has no candidate for (kubectl where no Kubernetes source is configured)', async () => {
    expect(await withoutCandidate(machine([], { candidates: ['chromium', 'prometheus'] }), ['chromium', 'prometheus', 'kubectl'])).toEqual(['kubectl']);
  });

  it('as root, the command has no sudo', () => {
    expect(installCommand(['chromium'], true)).toBe('apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium');
  });
});
