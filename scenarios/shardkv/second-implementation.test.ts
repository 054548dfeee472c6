/**
 * The shardkv tester judges a group service and a clerk only by the roles'
 * contract: a second implementation written independently of
 * protocols/shardkv (scenarios/testdata/alt-shardkv), plugged in as roles
 * `shardkv-server` and `shardkv-clerk`, passes the scenarios too. (The whole
 * catalog, as a command: see scenarios/testdata/alt-shardkv/server-impl.ts.)
 */
import { describe, expect, it } from 'vitest';
import { findScenario, runScenario } from '../../sim/scenario.ts';
import { shardkvClerk } from '../testdata/alt-shardkv/clerk.ts';
import { shardkvService } from '../testdata/alt-shardkv/server.ts';
import { SHARDKV_CLERK_ROLE, SHARDKV_SERVER_ROLE } from './config.ts';
import './index.ts';

const SCENARIOS = ['shardkv/5A/static-shards', 'shardkv/5A/rejection', 'shardkv/5B/join-leave', 'shardkv/5B/miss-change', 'shardkv/5B/unreliable3', 'shardkv/challenge/delete', 'shardkv/challenge/partial'];

describe('shardkv with a second, independently written implementation', () => {
  it.each(SCENARIOS)('%s passes (seed 1)', (name) => {
    const r = runScenario(findScenario(name)!, { seed: 1, impl: { [SHARDKV_SERVER_ROLE]: shardkvService, [SHARDKV_CLERK_ROLE]: shardkvClerk } });
    expect(r.failure).toBeUndefined();
  });
});
