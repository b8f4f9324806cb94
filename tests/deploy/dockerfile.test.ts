import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';

/**
 * The Dockerfile, parsed by dockerfile-ast (the parser behind the Dockerfile language server) and held
 * to the rules no engine checks here: multi-stage, `npm ci` and the build in the first stage running
 * exactly what CI runs, a non-root runtime with a HEALTHCHECK on /health, migrations only as a job.
 */
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const dockerfile = DockerfileParser.parse(read('deploy/docker/Dockerfile'));
const ciScript = read('.ci/run');
const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };

/** The instructions of each stage, in order (a stage runs from its FROM to the next). */
const stages = dockerfile.getFROMs().map((from, index, froms) => {
  const start = from.getRange().start.line;
  const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  const instructions = dockerfile.getInstructions().filter((i) => i.getRange().start.line >= start && i.getRange().start.line < end);
  return { name: from.getBuildStage(), instructions };
});
const build = stages[0]!;
const runtime = stages.at(-1)!;
const ofKind = (instructions: Instruction[], keyword: string) => instructions.filter((i) => i.getKeyword() === keyword);
const commandsOf = (instructions: Instruction[]) =>
  ofKind(instructions, 'RUN').flatMap((i) => i.getArgumentsContent()?.split('&&').map((part) => part.replace(/\s+/g, ' ').trim()) ?? []);
const jsonArgs = (instruction: Instruction | undefined) => JSON.parse(instruction?.getArgumentsContent() ?? 'null') as string[];

describe('deploy/docker/Dockerfile', () => {
  it('is multi-stage: a named build stage and a runtime stage that copies from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    const copies = dockerfile.getCOPYs().filter((copy) => runtime.instructions.includes(copy));
    expect(copies.some((copy) => copy.getFromFlag()?.getValue() === 'build')).toBe(true);
  });

  it('installs with npm ci and builds in the first stage, with the commands CI runs', () => {
    const commands = commandsOf(build.instructions);
    expect(commands).toContain('npm ci');
    expect(commands).toContain('npm run typecheck');
    expect(commands).toContain('npm prune --omit=dev');
    for (const command of commands.filter((c) => c.startsWith('npm run '))) {
      const [, , script, ...rest] = command.split(' ');
      if (rest[0] === '-w') {
        const workspace = rest[1]!.replace('@commerce/', '');
        const manifest = ['clients', 'subgraphs', '.'].map((dir) => path.join(repoRoot, dir, workspace, 'package.json')).find(existsSync);
        expect(JSON.parse(readFileSync(manifest!, 'utf8')).scripts, command).toHaveProperty(script!);
      } else expect(rootPackage.scripts, command).toHaveProperty(script!);
    }
    // What the image builds is what CI proves on every change.
    expect(ciScript).toMatch(/npm ci/);
    expect(ciScript).toMatch(/npm run typecheck/);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /health', () => {
    const users = ofKind(runtime.instructions, 'USER').map((i) => i.getArgumentsContent());
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const healthchecks = ofKind(runtime.instructions, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]!.getArgumentsContent()).toMatch(/^CMD .*\/health/);
  });

  it('lets the unprivileged user write only where the processes write: .secrets and .cache', () => {
    // The users service may generate its key into .secrets; the migration job writes the Prisma 6 copy
    // of its schema under .cache (prisma/migrate.config.ts). Everything else stays root-owned.
    const chowns = commandsOf(runtime.instructions).filter((command) => /\bchown\b/.test(command));
    const owned = chowns.flatMap((command) => command.split(' ').slice(2)).map((dir) => dir.replace(/\/$/, ''));
    expect(owned.sort()).toEqual(['/app/.cache', '/app/.secrets']);
    expect(read('prisma/migrate.config.ts')).toMatch(/\.cache/);
  });

  it('never migrates when a container starts: migrations are a separate command', () => {
    const entrypoint = jsonArgs(ofKind(runtime.instructions, 'ENTRYPOINT').at(-1));
    const cmd = jsonArgs(ofKind(runtime.instructions, 'CMD').at(-1));
    expect(entrypoint).toEqual(['node', '--import', 'tsx']);
    expect([...entrypoint, ...cmd].join(' ')).not.toMatch(/migrat|prisma/);
    expect(existsSync(path.join(repoRoot, cmd[0]!))).toBe(true);
    expect(commandsOf(runtime.instructions).join(' ')).not.toMatch(/migrat/);
    // The job's command exists and is what the compose file and the Kubernetes jobs run.
    expect(existsSync(path.join(repoRoot, 'deploy/local/src/prisma-cli.ts'))).toBe(true);
  });

  it('builds on a Node image the project supports, and keeps local state out of the context', () => {
    const base = dockerfile.getInitialARGs().find((arg) => arg.getProperty()?.getName() === 'NODE_IMAGE')?.getProperty()?.getValue();
    const [, major, minor] = /^node:(\d+)\.(\d+)/.exec(base ?? '') ?? [];
    const [, wantMajor, wantMinor] = /(\d+)\.(\d+)/.exec(rootPackage.engines.node) ?? [];
    expect(Number(major)).toBe(Number(wantMajor));
    expect(Number(minor)).toBeGreaterThanOrEqual(Number(wantMinor));
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.data', '.cache', '.secrets', '.git']) expect(ignored).toContain(entry);
  });
});
