/**
 * `node --import tsx --import ./bench/servers/untraced.ts src/main.ts`: the gateway as it was before
 * tracing, for benchmark case 10's baseline. A module hook resolves src/observability/tracing.ts to
 * bench/servers/tracing-absent.ts, so neither the tracing module nor @opentelemetry/api or core is
 * ever loaded; what remains of tracing is the call sites themselves (a call that returns undefined).
 * Only the benchmark uses this.
 */
import { register } from 'node:module';

register('./untraced-hooks.mjs', import.meta.url);
