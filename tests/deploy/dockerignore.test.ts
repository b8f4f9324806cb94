import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';

/**
 * The image's build context, as `docker build .` would send it: the working tree filtered by
 * `.dockerignore` under Docker's own matching rules (@balena/dockerignore is a port of Moby's
 * fileutils.PatternMatcher). `COPY . .` takes everything in it, so no secret-bearing file may be.
 */
// Its typings declare an ES default export, but the package is CommonJS `module.exports = factory`.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as typeof import('@balena/dockerignore').default;
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const matcher = dockerignore({ ignorecase: false }).add(read('.dockerignore'));
const excluded = (relative: string) => matcher.ignores(relative);

/** Secret-bearing names, by Docker path (forward slashes, relative to the context root). */
const SECRET = [/(^|\/)\.env(\.(?!example$)[^/]+)?$/, /\.(pem|key|p12|pfx|jks|keystore)$/, /(^|\/)id_(rsa|ed25519|ecdsa)/, /(^|\/)\.(netrc|pgpass)$/, /(^|\/)\.(aws|kube|docker)\//];

/**
 * Every file of the context. An excluded directory is not descended into: Docker would descend only
 * to honour an exception (`!pattern`) inside it, and this file's only exception names a root file.
 */
function contextFiles(dir = repoRoot, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = `${prefix}${entry.name}`;
    if (excluded(relative)) return [];
    if (entry.isDirectory()) return contextFiles(path.join(dir, entry.name), `${relative}/`);
    return entry.isFile() ? [relative] : [];
  });
}

describe('.dockerignore: the image build context', () => {
  it('leaves out every secret-bearing file, wherever it lies', () => {
    const planted = [
      '.env',
      '.env.production',
      '.env.local',
      'deploy/docker/.env',
      'jwt-private.pem',
      'next.pub.pem',
      'tls.key',
      'deploy/k8s/overlays/prod/server.key',
      'certs/client.p12',
      'keystore.jks',
      '.secrets/jwt-es256.pem',
      '.secrets/anything',
      '.data/postgres/PG_VERSION',
      'id_rsa',
      'home/.ssh/id_ed25519',
      '.aws/credentials',
      '.kube/config',
      '.docker/config.json',
      '.netrc',
      '.pgpass',
      'gcp-credentials.json',
    ];
    expect(planted.filter((file) => !excluded(file)), 'secret-bearing files the context would take').toEqual([]);
    // The rules the working-tree check below applies recognise them too.
    expect(planted.filter((file) => /\.(pem|key|p12|jks)$|(^|\/)\.env/.test(file)).filter((file) => !SECRET.some((p) => p.test(file)))).toEqual([]);
  });

  it('sends no secret-bearing file of this working tree', () => {
    const files = contextFiles();
    console.log(`build context: ${files.length} files`);
    expect(files).toContain('package.json');
    expect(files.filter((file) => SECRET.some((pattern) => pattern.test(file)))).toEqual([]);
  });

  it('keeps every committed file the build needs: only generated output and local state are left out', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
    const left = tracked.filter((file) => excluded(file));
    // A committed file the image lacks would be a file `npm ci`, the build or a process needs.
    expect(left.filter((file) => !/^(bench\/results|tests\/artifacts)\//.test(file))).toEqual([]);
    expect(excluded('.env.example')).toBe(false);
  });

  it('has every key the READMEs tell you to create written outside the context and outside git', () => {
    const docs = ['README.md', 'deploy/k8s/README.md'];
    const outputs = docs.flatMap((file) =>
      [...read(file).matchAll(/openssl [^\n]*?-out (\S+)/g)].map((match) => ({ file, out: match[1]!.replace(/\)$/, '') })),
    );
    expect(outputs.length, 'the READMEs show how to create the signing keys').toBeGreaterThan(0);
    for (const { file, out } of outputs) {
      const outside = /^(\/|~|\$)/.test(out);
      if (outside) continue;
      expect(excluded(out), `${file}: ${out} would be in the image build context`).toBe(true);
      // `git check-ignore` exits 0 for an ignored path (--no-index: whether or not it exists or is tracked).
      expect(spawnSync('git', ['check-ignore', '--no-index', '-q', out], { cwd: repoRoot }).status, `${file}: ${out} is ignored by git`).toBe(0);
    }
  });
});
