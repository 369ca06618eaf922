// Before any test: make sure the private cluster runs (unless a server URL was given).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { usesPrivateCluster } from './server.js';

export default function setup(): void {
  if (!usesPrivateCluster()) return;
  const script = fileURLToPath(new URL('../../scripts/cluster.sh', import.meta.url));
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
}
