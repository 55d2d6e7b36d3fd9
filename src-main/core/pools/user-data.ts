import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';

export type PoolRole = 'manager' | 'worker';

export interface PoolScriptInput {
  /** The pool's name; it becomes the engine label `swarmdeck.pool=<pool>` the app matches on. */
  pool: string;
  role: PoolRole;
  /** Applied by the app when the node appears (a joining worker cannot label itself); listed for the reader. */
  labels: Record<string, string>;
  /** The current managers, `addr:2377`, tried in this order. */
  managers: string[];
  /** The join token of the pool's role: the one secret in the script. */
  token: string;
}

export interface PoolScriptOptions {
  /** Seconds to wait for Docker to answer before giving up. */
  dockerWaitSeconds?: number;
  /** Rounds over the whole manager list. */
  rounds?: number;
  /** The first pause between rounds; it doubles up to `maxBackoffSeconds`. */
  backoffSeconds?: number;
  maxBackoffSeconds?: number;
  /** Tests point this elsewhere; a real node uses the default. */
  daemonJsonPath?: string;
}

export const POOL_LABEL_KEY = 'swarmdeck.pool';
const POOL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MANAGER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;
const TOKEN = /^SWMTKN-1-[0-9a-z]+-[0-9a-z]+$/;

/** A value as one single-quoted shell word: nothing in it is expanded or split. */
export function shellQuote(value: string): string {
  if (/[\0\n\r]/.test(value)) throw new CoreError('INVALID_ARGUMENT', 'a script value holds a control character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function check(input: PoolScriptInput): void {
  const bad = (what: string) => new CoreError('INVALID_ARGUMENT', `pool script: invalid ${what}`, { params: { field: what } });
  if (!POOL_NAME.test(input.pool)) throw bad('pool');
  if (input.role !== 'manager' && input.role !== 'worker') throw bad('role');
  if (input.managers.length === 0 || !input.managers.every((m) => MANAGER.test(m))) throw bad('managers');
  if (!TOKEN.test(input.token)) throw bad('token');
}

/**
 * A first-boot (cloud-init user-data) shell script for a node of a pool. It waits for Docker,
 * marks the engine with the pool's label, and joins with retries over every manager.
 *
 * The pool marker is an engine label, not a node label: a worker cannot run `docker node update`,
 * but its engine labels travel with its node description, so the app (watching the nodes) sees
 * `swarmdeck.pool=<pool>` and applies the pool's node labels itself. Engine labels are among the
 * daemon.json keys dockerd re-reads on SIGHUP (`systemctl reload docker`), so no restart is needed.
 * daemon.json is created when absent and otherwise merged with python3, else jq (both common on
 * cloud images; a hand-rolled JSON merge in shell would break the operator's file sooner or later);
 * with neither, the node still joins, unlabelled, and the script says so.
 */
export function generateUserData(input: PoolScriptInput, options: PoolScriptOptions = {}): string {
  check(input);
  const dockerWait = options.dockerWaitSeconds ?? 600;
  const rounds = options.rounds ?? 10;
  const backoff = options.backoffSeconds ?? 5;
  const maxBackoff = options.maxBackoffSeconds ?? 60;
  const labels = Object.entries(input.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return `#!/bin/sh
# Swarmdeck node pool "${input.pool}" (${input.role}): joins this machine to the swarm at first boot.
# SECRET: this script contains the swarm's ${input.role} join token. Anyone who reads it can join a
# machine to the swarm${input.role === 'manager' ? ' as a manager, which controls the whole swarm' : ''}.
# Keep it in the autoscaling group's user-data only; rotate the token if it leaks.
# Node labels the app applies when this node appears: ${JSON.stringify(Object.fromEntries(labels))}
set -u
# No globbing: an IPv6 manager such as [fd00::1]:2377 is a word, not a pattern.
set -f

POOL=${shellQuote(input.pool)}
POOL_LABEL=${shellQuote(`${POOL_LABEL_KEY}=${input.pool}`)}
MANAGERS=${shellQuote(input.managers.join(' '))}
TOKEN=${shellQuote(input.token)}
DAEMON_JSON=${shellQuote(options.daemonJsonPath ?? '/etc/docker/daemon.json')}
DOCKER_WAIT=${dockerWait}
ROUNDS=${rounds}
BACKOFF=${backoff}
MAX_BACKOFF=${maxBackoff}

say() { echo "swarmdeck-pool[$POOL]: $*" >&2; }

waited=0
until docker info >/dev/null 2>&1; do
  if [ "$waited" -ge "$DOCKER_WAIT" ]; then
    say "Docker did not answer within $DOCKER_WAIT s; not joining."
    exit 2
  fi
  sleep 2
  waited=$((waited + 2))
done

node_state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

# User-data may run again (a re-provisioned instance keeps its disk): a member has nothing to do.
if [ "$(node_state)" = active ]; then
  say "already part of a swarm; nothing to do."
  exit 0
fi

# The pool marker, as an engine label (see the app's notes on node pools).
label_engine() {
  if [ ! -s "$DAEMON_JSON" ]; then
    mkdir -p "$(dirname "$DAEMON_JSON")" &&
      printf '{\\n  "labels": ["%s"]\\n}\\n' "$POOL_LABEL" >"$DAEMON_JSON.swarmdeck.tmp" &&
      mv -f "$DAEMON_JSON.swarmdeck.tmp" "$DAEMON_JSON"
    return
  fi
  [ -e "$DAEMON_JSON.swarmdeck-orig" ] || cp -p "$DAEMON_JSON" "$DAEMON_JSON.swarmdeck-orig" || return 1
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$DAEMON_JSON" "$POOL_LABEL" <<'PY' || { say "could not merge the pool label into $DAEMON_JSON; joining without it."; return 1; }
import json, os, sys
path, label = sys.argv[1], sys.argv[2]
with open(path) as f:
    data = json.load(f)
labels = [l for l in data.get("labels", []) if not l.startswith("${POOL_LABEL_KEY}=")]
data["labels"] = labels + [label]
with open(path + ".swarmdeck.tmp", "w") as f:
    json.dump(data, f, indent=2)
    f.write("\\n")
os.replace(path + ".swarmdeck.tmp", path)
PY
  elif command -v jq >/dev/null 2>&1; then
    jq --arg l "$POOL_LABEL" '.labels = (((.labels // []) | map(select(startswith("${POOL_LABEL_KEY}=") | not))) + [$l])' \\
      "$DAEMON_JSON" >"$DAEMON_JSON.swarmdeck.tmp" && mv -f "$DAEMON_JSON.swarmdeck.tmp" "$DAEMON_JSON" ||
      { say "could not merge the pool label into $DAEMON_JSON; joining without it."; return 1; }
  else
    say "neither python3 nor jq to merge $DAEMON_JSON; joining without the pool label (the app will not label this node)."
    return 1
  fi
}

if label_engine; then
  # dockerd re-reads labels on SIGHUP: no restart, no interruption.
  systemctl reload docker 2>/dev/null || kill -HUP "$(pidof dockerd)" 2>/dev/null || say "could not signal dockerd to re-read $DAEMON_JSON"
  tries=0
  until docker info --format '{{join .Labels ","}}' 2>/dev/null | tr ',' '\\n' | grep -qxF "$POOL_LABEL"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 15 ]; then
      say "Docker does not show the pool label yet; joining anyway."
      break
    fi
    sleep 2
  done
fi

round=1
pause=$BACKOFF
while [ "$round" -le "$ROUNDS" ]; do
  for manager in $MANAGERS; do
    if out=$(docker swarm join --token "$TOKEN" "$manager" 2>&1); then
      say "joined through $manager."
      exit 0
    fi
    # A join that timed out goes on in the background: see where it got to before trying elsewhere.
    state=$(node_state)
    if [ "$state" = pending ]; then
      sleep 10
      state=$(node_state)
    fi
    if [ "$state" = active ]; then
      say "joined through $manager."
      exit 0
    fi
    [ "$state" = pending ] && docker swarm leave --force >/dev/null 2>&1
    say "round $round: $manager refused or did not answer: $out"
  done
  [ "$round" -lt "$ROUNDS" ] && sleep "$pause"
  pause=$((pause * 2))
  [ "$pause" -gt "$MAX_BACKOFF" ] && pause=$MAX_BACKOFF
  round=$((round + 1))
done
say "could not join through any of: $MANAGERS after $ROUNDS rounds; giving up."
exit 1
`;
}

/** What a generated script was made from, as hashes: the token itself is never kept. */
export interface PoolScriptStamp {
  tokenHash: string;
  managersHash: string;
}

export type StaleReason = 'token' | 'managers';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function stampOf(input: Pick<PoolScriptInput, 'token' | 'managers'>): PoolScriptStamp {
  // A join token is long and random: its hash reveals nothing, and tells a rotation apart.
  return {
    tokenHash: sha256(`swarmdeck-pool-token\0${input.token}`),
    // The order does not matter to a joining node: a reordered list is not a stale script.
    managersHash: sha256(`swarmdeck-pool-managers\0${[...input.managers].sort().join('\0')}`),
  };
}

/** Why a script made with `stamp` no longer fits the swarm now (empty: it still does). */
export function staleReasons(stamp: PoolScriptStamp, now: Pick<PoolScriptInput, 'token' | 'managers'>): StaleReason[] {
  const current = stampOf(now);
  const reasons: StaleReason[] = [];
  if (current.tokenHash !== stamp.tokenHash) reasons.push('token');
  if (current.managersHash !== stamp.managersHash) reasons.push('managers');
  return reasons;
}
