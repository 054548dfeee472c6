/**
 * The property's last phase (simlab-only; the lab scenarios keep Go's
 * verdicts, where term stability is only a warning): once the healed cluster
 * has a leader whose new command every server applied, leadership must hold
 * and commits must keep pace with a steady load. A correct Raft under these
 * conditions (every server up and connected, a reliable network without
 * reordering) has no reason to change terms: its heartbeats (every 100 ms)
 * reach every follower well inside the shortest election timeout (300 ms).
 * An "election storm" Raft, whose followers start elections under a healthy
 * leader, changes terms within one timeout.
 *
 * Opt-in by facts: terms are read from the servers' Raft facts (a term
 * change starts with a candidate's self-vote), so a Raft without facts is
 * not judged here.
 */
import { ms } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { sleep, type Co } from '../../sim/task.ts';
import { formatTime } from '../../sim/trace.ts';
import type { RaftFaultCluster } from './raft.ts';

/** How long leadership must hold after the first commit that follows healing: more than three of the longest election timeouts (600 ms). */
export const STEADY_WINDOW_US = ms(2000);
/** The steady load: one command per heartbeat interval, Started on the leader. */
export const STEADY_LOAD_US = ms(100);
/** Each command of the steady load must be applied by every server within this (ten heartbeat intervals; a round trip is under 30 ms). */
export const STEADY_PACE_US = ms(1000);

interface Offered {
  readonly command: number;
  readonly index: number;
  readonly atUs: number;
}

const seconds = (us: number): string => `${(us / 1e6).toFixed(2)} s`;

/**
 * Runs the steady phase: fails the run as 'liveness' with
 * "leadership-stable: …" when any term changes within STEADY_WINDOW_US, and
 * with "commit-pace: …" when a command of the load is not applied everywhere
 * within STEADY_PACE_US of its Start.
 */
export function* awaitSteadyLeadership(t: ScenarioContext, c: RaftFaultCluster): Co<void> {
  if (!c.speaksFacts()) {
    t.log('steady leadership not checked: not every server emits Raft facts (opt-in)');
    return;
  }
  const leader = c.leader();
  if (leader === null) return; // the progress goal just held with a leader; a Raft that lost it at once shows below on its next run
  const { term } = c.termRaise();
  const startUs = t.world.nowUs;
  const offered: Offered[] = [];
  let applied = 0;
  for (;;) {
    c.checkSafety();
    const now = t.world.nowUs;
    const raised = c.termRaise();
    if (raised.term > term) {
      const who = raised.raise !== null ? `node ${raised.raise.node} ${raised.raise.how} at ${formatTime(raised.raise.record.timeUs).trim()}` : 'a node moved on';
      t.fail(
        `leadership-stable: term ${term} became ${raised.term} ${seconds(now - startUs)} into the ${seconds(STEADY_WINDOW_US)} after healing and a first commit, ` +
          `with every server up and connected and leader ${leader} sending heartbeats: ${who}`,
        'liveness',
      );
    }
    while (offered.length > 0 && everyoneApplied(c, offered[0]!)) {
      offered.shift();
      applied++;
    }
    const late = offered[0];
    if (late !== undefined && now - late.atUs > STEADY_PACE_US) {
      const missing = Array.from({ length: c.n }, (_, i) => i).filter((i) => !c.hasApplied(i, late.index, late.command));
      const why = missing.map((i) => `${i} (applied through ${c.appliedThrough(i)}${i === leader ? '' : `; ${c.describeFollower(leader, i)}`})`);
      t.fail(
        `commit-pace: command ${late.command} (index ${late.index}, Started on leader ${leader} at ${formatTime(late.atUs).trim()}) is not applied by every server ` +
          `${seconds(STEADY_PACE_US)} later, under a load of one command per ${seconds(STEADY_LOAD_US)}; missing ${why.join(', ')}`,
        'liveness',
      );
    }
    if (now - startUs >= STEADY_WINDOW_US) {
      if (offered.length === 0) break;
    } else {
      const command = 1_500_000_000 + c.starts;
      const r = c.start(leader, command);
      if (!r.isLeader) {
        t.fail(`leadership-stable: leader ${leader} of term ${term} stopped leading ${seconds(now - startUs)} into the steady phase, though no term changed`, 'liveness');
      }
      offered.push({ command, index: r.index, atUs: now });
    }
    yield* sleep(STEADY_LOAD_US);
  }
  t.log(`steady: leader ${leader} kept term ${term} for ${seconds(STEADY_WINDOW_US)}; ${applied} commands applied by every server, each within ${seconds(STEADY_PACE_US)}`);
}

function everyoneApplied(c: RaftFaultCluster, o: Offered): boolean {
  for (let i = 0; i < c.n; i++) if (!c.hasApplied(i, o.index, o.command)) return false;
  return true;
}
