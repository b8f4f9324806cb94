/**
 * The supergraph a change is compared with: by default the committed supergraph at the merge base with
 * the main branch (on a branch), or at the previous commit (on main itself, as CI runs after merges).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface Base {
  /** What was compared with, for the report: a ref and its short commit, or a file. */
  label: string;
  sdl: string;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function defaultBaseRef(cwd: string): string | null {
  const head = git(['rev-parse', 'HEAD'], cwd);
  if (!head) return null;
  for (const main of ['origin/main', 'main']) {
    const mergeBase = git(['merge-base', 'HEAD', main], cwd);
    if (mergeBase && mergeBase !== head) return mergeBase;
  }
  return git(['rev-parse', '--verify', '--quiet', 'HEAD~1'], cwd);
}

/**
 * The supergraph at `ref` (or the default base). Without a ref, null when there is no base (first
 * commit, shallow clone): the comparison is skipped. An explicit ref was asked for, so one that does not
 * resolve to a commit, or whose commit has no supergraph file, throws an error naming it (a mistyped
 * `--base` must not pass by comparing nothing).
 */
export function supergraphAt(repoRoot: string, supergraphPath: string, ref?: string): Base | null {
  const relative = path.relative(repoRoot, supergraphPath).split(path.sep).join('/');
  if (ref !== undefined) {
    const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repoRoot);
    if (!commit) throw new Error(`--base ${JSON.stringify(ref)} does not name a commit of the repository at ${repoRoot}`);
    if (git(['cat-file', '-e', `${commit}:${relative}`], repoRoot) === null) throw new Error(`--base ${JSON.stringify(ref)} has no ${relative}`);
  }
  const resolved = ref ?? defaultBaseRef(repoRoot);
  if (!resolved) return null;
  const sdl = git(['show', `${resolved}:${relative}`], repoRoot);
  if (sdl === null) return null;
  const short = git(['rev-parse', '--short', resolved], repoRoot) ?? resolved;
  return { label: ref ? `${ref} (${short})` : short, sdl };
}
