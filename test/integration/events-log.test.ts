/**
 * The event log in memory, over real WebSocket and HTTP against one gateway (one process is one
 * replica: both sides of the scenarios are the same gateway). The scenarios: test/helpers/event-log.ts.
 */
import 'reflect-metadata';
import { useTestGateway } from '../helpers/gateway.js';
import { EVENT_LOG_LENGTH, eventLogScenarios } from '../helpers/event-log.js';

const gw = useTestGateway({ env: { EVENT_LOG_MAX_LENGTH: String(EVENT_LOG_LENGTH) } });

eventLogScenarios('memory', () => ({ a: gw(), b: gw() }));
