// The versions an upgrade can start from: every release whose install script the build
// keeps (extension/released/), and the version this checkout builds (package.json).
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

export const currentVersion: string = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version;

const compare = (a: string, b: string): number => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

/** Released versions older than the current one, oldest first. */
export const releasedVersions: string[] = readdirSync(new URL('extension/released/', root))
  .map((f) => /^pg_durable--(\d+\.\d+\.\d+)\.sql$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined && compare(v, currentVersion) < 0)
  .sort(compare);

/** The release the current version upgrades from directly. */
export const previousRelease: string = releasedVersions[releasedVersions.length - 1];
