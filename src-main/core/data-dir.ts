import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the web mode keeps its data when no Electron `userData` exists:
 * SWARMDECK_DATA_DIR, else the platform's per-user config folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SWARMDECK_DATA_DIR) return env.SWARMDECK_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'swarmdeck');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'swarmdeck');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'swarmdeck');
}
