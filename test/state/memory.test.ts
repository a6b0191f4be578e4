/** The shared-state contract suites against the in-memory implementation (one process = one replica). */
import 'reflect-metadata';
import { memoryState, type SharedState } from '../../src/state/index.js';
import { stateContracts } from './contracts.js';

stateContracts({
  kind: 'memory',
  async replicas(eventLog): Promise<[SharedState, SharedState]> {
    const state = memoryState(eventLog);
    return [state, state];
  },
});
