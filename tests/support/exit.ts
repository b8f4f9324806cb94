/** Entry points started only to see them refuse their configuration. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@commerce/stack/paths';

/** Starts `entry` (node --import tsx) with `env` over this process's and resolves to its exit code and stderr (rejects after 30 s). */
export function runWith(entry: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry)], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
