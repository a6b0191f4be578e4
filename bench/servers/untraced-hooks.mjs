// Module resolution hook of bench/servers/untraced.ts: the tracing module becomes its stand-in.
const REAL = '/src/observability/tracing.ts';
const ABSENT = new URL('./tracing-absent.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  return resolved.url.endsWith(REAL) ? { ...resolved, url: ABSENT } : resolved;
}
