/**
 * The helpers that read the environment (src/config.ts and each provider's config block,
 * src/providers/<p>/config.ts): each problem names its variable and never echoes a secret's value.
 */
import { SANDBOX_CREDENTIALS } from './providers/sandboxes.js';
import { Secret } from './secret.js';

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Every problem of the environment at once, each naming its variable (never its value). */
export class ConfigError extends Error {
  /** The first problem's variable. */
  readonly variable: string;
  readonly variables: string[];

  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(({ variable, problem }) => `${variable} ${problem}`).join('; '));
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
    this.variable = this.variables[0]!;
  }
}

export type Env = Record<string, string | undefined>;

/** Collects problems while the whole environment is read; `done` throws them together. */
export class Problems {
  readonly list: ConfigProblem[] = [];
  add(variable: string, problem: string): undefined {
    this.list.push({ variable, problem });
    return undefined;
  }
  done(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

export function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function required(env: Env, problems: Problems, name: string, because: string): string {
  return value(env, name) ?? problems.add(name, `is required ${because}`) ?? '';
}

export function integer(env: Env, problems: Problems, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) return problems.add(name, `must be a whole number from ${min} to ${max}`) ?? fallback;
  return n;
}

export function url(env: Env, problems: Problems, name: string): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return problems.add(name, 'must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return problems.add(name, 'must be an http(s) URL');
  if (parsed.username || parsed.password) return problems.add(name, 'must not carry credentials; use the credential variables');
  return parsed.toString();
}

/** Whether a variable is set at all (a malformed URL is still "set": it turns the embedded default off). */
export const isSet = (env: Env, name: string): boolean => value(env, name) !== undefined;

export function positiveDecimal(env: Env, problems: Problems, name: string, fallback: string): string {
  const raw = value(env, name) ?? fallback;
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(raw) || Number(raw) <= 0) return problems.add(name, 'must be a positive amount with at most two decimals') ?? fallback;
  return raw;
}

export function oneOf<T extends string>(env: Env, problems: Problems, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) return problems.add(name, `must be one of ${allowed.join(', ')}`) ?? fallback;
  return raw as T;
}

/**
 * The sandboxes' credentials are public (each provider's sandbox-credentials.ts): kept as Secrets like any other, but
 * not made known to the sanitiser, which would otherwise blank every "sandbox" in a path or message.
 */
const PUBLIC_SANDBOX_VALUES: ReadonlySet<string> = new Set(Object.values(SANDBOX_CREDENTIALS).flatMap((credentials) => Object.values(credentials) as string[]));
export function secret(value: string): Secret {
  return new Secret(value, { known: !PUBLIC_SANDBOX_VALUES.has(value) });
}

/** A webhook secret: required in production, the sandbox value elsewhere. */
export function webhookSecret(env: Env, problems: Problems, name: string, production: boolean, sandboxValue: string): Secret {
  const v = value(env, name);
  if (v !== undefined) return secret(v);
  if (production) problems.add(name, 'is required in production');
  return secret(sandboxValue);
}
