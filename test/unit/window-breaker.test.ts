import { describe, expect, it } from 'vitest';
import { CircuitState } from 'cockatiel';
import { WindowBreaker } from '../../src/providers/breaker.js';

function breaker(options: { threshold?: number; windowMs?: number; minimumCalls?: number } = {}) {
  const clock = { now: 1_000_000 };
  const window = new WindowBreaker({ threshold: 0.5, windowMs: 1_000, minimumCalls: 4, ...options, now: () => clock.now });
  return { window, clock };
}

const { Closed, HalfOpen } = CircuitState;

describe('WindowBreaker', () => {
  it('opens when more than the threshold of the calls in the window failed, once it holds the minimum', () => {
    const { window } = breaker();
    window.success(Closed);
    expect(window.failure(Closed)).toBe(false); // 2 calls: under the minimum
    expect(window.failure(Closed)).toBe(false); // 3 calls
    expect(window.failure(Closed)).toBe(true); // 4 calls, 3 failed
  });

  it('does not open at exactly the threshold', () => {
    const { window } = breaker();
    window.success(Closed);
    window.success(Closed);
    window.failure(Closed);
    expect(window.failure(Closed)).toBe(false); // 2 of 4
  });

  it('forgets calls older than the window even when nothing was recorded in between', () => {
    const { window, clock } = breaker();
    for (let i = 0; i < 100; i++) window.success(Closed);
    // A hung provider records nothing until its calls time out, well after the window.
    clock.now += 1_500;
    for (let i = 0; i < 3; i++) window.failure(Closed);
    expect(window.failure(Closed)).toBe(true);
  });

  it('slides bucket by bucket: calls in the last window count, older ones do not', () => {
    const { window, clock } = breaker();
    window.record(false, 3); // t = 0
    clock.now += 500;
    window.record(true, 2); // t = 500
    expect(window.tripped()).toBe(true); // 3 of 5 failed
    clock.now += 600; // the failures (t = 0) left the window, the successes (t = 500) did not
    expect(window.failure(Closed)).toBe(false); // 1 of 3
    window.record(false, 2);
    expect(window.tripped()).toBe(true); // 3 of 5
  });

  it("counts weighted outcomes (a shared call's callers) without opening by itself", () => {
    const { window } = breaker({ minimumCalls: 10 });
    window.record(false, 9);
    expect(window.tripped()).toBe(false);
    expect(window.failure(Closed)).toBe(true);
  });

  it('a successful probe clears the window; a failed probe always reopens', () => {
    const { window } = breaker();
    window.record(false, 10);
    expect(window.failure(HalfOpen)).toBe(true);
    window.success(HalfOpen);
    expect(window.tripped()).toBe(false);
    window.record(true, 3);
    expect(window.failure(Closed)).toBe(false);
  });

  it('refuses settings it cannot honour', () => {
    expect(() => new WindowBreaker({ threshold: 1, windowMs: 1_000, minimumCalls: 1 })).toThrow(RangeError);
    expect(() => new WindowBreaker({ threshold: 0.5, windowMs: 0, minimumCalls: 1 })).toThrow(RangeError);
    expect(() => new WindowBreaker({ threshold: 0.5, windowMs: 1_000, minimumCalls: 0 })).toThrow(RangeError);
  });
});
