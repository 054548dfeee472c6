import { KVRAFT_SERVER_ROLE } from '../kvraft/config.ts';
import '../kvraft/index.ts';
import { kvraftCatches } from './kvraft-caught.ts';
import { kvraftBugs } from './kvraft.ts';
import { testServiceZoo } from './service-caught.ts';

testServiceZoo('kvraft', KVRAFT_SERVER_ROLE, kvraftCatches, kvraftBugs);
