/**
 * Walk positions come back inside a client's cursor: each source checks the one it is handed before
 * using it, and refuses anything it could not have written.
 */
import type { WalkPosition } from './capabilities.js';

/** A position no source wrote (a cursor edited or from another range): the read API answers BAD_USER_INPUT. */
export class InvalidPositionError extends Error {}

/** A whole number in [min, max], or the refusal. */
export function positionInt(position: WalkPosition, key: string, min: number, max: number): number {
  const value = position[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new InvalidPositionError(`bad ${key}`);
  return value;
}

/** An optional whole number in [min, max]. */
export function optionalPositionInt(position: WalkPosition, key: string, min: number, max: number): number | undefined {
  return position[key] === undefined ? undefined : positionInt(position, key, min, max);
}
