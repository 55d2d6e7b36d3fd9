import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The e2e tests run the built app; build once unless the caller already did (npm test builds first). */
export default function globalSetup(): void {
  if (process.env.SWARMDECK_SKIP_BUILD === '1' && existsSync('out/main/web.js')) return;
  execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
}
