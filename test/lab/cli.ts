// `npm run lab -- <command>`: the lab for people trying the app by hand.
//   up [--managers 3] [--workers 2] [--bastion] [--password-host NAME|none] [--id cli]
//   status [--id ID] [--json]      down [--id ID] [--all]      build [--rebuild]
// `up` leaves the lab running (state in /run/swarmdeck-lab/labs/<id>/) for status/down.
import { parseArgs } from 'node:util';
import { Lab } from './lab.js';
import { downAll, ensureHostImage, labSupport, leftovers, listLabs } from './index.js';
import { downLab, shutdownIfIdle } from './cleanup.js';
import { ensureOuterDocker } from './outer-docker.js';
import { withLock, labIds } from './state.js';
import type { LabHost, LabState } from './types.js';

const USAGE = `usage: npm run lab -- up [--managers N] [--workers N] [--bastion] [--password-host NAME|none] [--id ID]
       npm run lab -- status [--id ID] [--json]
       npm run lab -- down [--id ID] [--all]
       npm run lab -- build [--rebuild]`;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function describeLab(st: LabState): string {
  const rows = [['NAME', 'ROLE', 'ADDRESS', 'USER', 'LOGIN', 'FINGERPRINT']];
  for (const h of st.hosts) {
    const addr = h.via ? `${h.address} (via ${h.via})` : h.address;
    const login = h.auth === 'password' ? `password ${h.password ?? ''}` : `key ${h.keyPath}`;
    rows.push([h.name, h.role, addr, h.user, login, h.fingerprint]);
  }
  const cmds = st.hosts.map(
    (h: LabHost) => `  ssh -F ${st.sshConfig} ${h.name}${h.auth === 'password' ? `    # password: ${h.password ?? ''}` : ''}`,
  );
  return [
    `lab ${st.id} (slot ${st.slot}, started ${st.createdAt}${st.persistent ? '' : `, owned by pid ${st.ownerPid}`})`,
    table(rows),
    '',
    "ssh (known_hosts and key are the lab's own; ~/.ssh is not used):",
    ...cmds,
  ].join('\n');
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      managers: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      bastion: { type: 'boolean', default: false },
      'password-host': { type: 'string' },
      id: { type: 'string', default: 'cli' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
    },
  });
  if (command !== 'status') {
    const s = labSupport();
    if (!s.ok) {
      console.error(`lab: ${s.reason}`);
      return 1;
    }
  }
  switch (command) {
    case 'up': {
      const pw = values['password-host'];
      const lab = new Lab();
      const started = Date.now();
      // Ctrl-C while hosts boot: take down what was started rather than leave half a lab.
      const interrupted = (): void => {
        console.error('\ninterrupted: taking the half-started lab down');
        void lab.down().finally(() => process.exit(130));
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      await lab.up({
        id: values.id,
        managers: Number(values.managers),
        workers: Number(values.workers),
        bastion: values.bastion,
        passwordHost: pw === 'none' ? false : pw,
        persistent: true,
      });
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      console.log(describeLab(lab.state));
      console.log(
        `\nup in ${((Date.now() - started) / 1000).toFixed(1)} s; take it down with: npm run lab -- down${values.id === 'cli' ? '' : ` --id ${values.id}`}`,
      );
      return 0;
    }
    case 'status': {
      const labs = listLabs().filter((l) => values.all || values.id === 'cli' || l.id === values.id);
      if (values.json) console.log(JSON.stringify(labs, null, 2));
      else if (labs.length === 0) console.log('no lab is up');
      else console.log(labs.map(describeLab).join('\n\n'));
      return 0;
    }
    case 'down': {
      if (values.all) await downAll();
      else if (!labIds().includes(values.id)) {
        console.log(`no lab ${values.id} is up${labIds().length > 0 ? ` (up: ${labIds().join(', ')})` : ''}`);
        return 0;
      } else await downLab(values.id);
      const left = labIds().length === 0 ? await leftovers() : [];
      if (left.length > 0) {
        console.error(`left behind:\n  ${left.join('\n  ')}`);
        return 1;
      }
      console.log(values.all ? 'all labs down' : `lab ${values.id} down`);
      return 0;
    }
    case 'build': {
      const r = await withLock(async () => {
        await ensureOuterDocker();
        return ensureHostImage({ rebuild: values.rebuild });
      });
      console.log(`${r.ref}: ${r.source} in ${r.seconds.toFixed(1)} s`);
      // Nothing else running: stop the daemon the build needed.
      await shutdownIfIdle();
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`lab: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
