import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/cancellation.js';

describe('Cancellation', () => {
  it('calls each listener once, in order, when cancelled, and reports aborted', () => {
    const c = new Cancellation();
    const heard: string[] = [];
    c.addEventListener('abort', () => heard.push('a'));
    c.addEventListener('abort', () => heard.push('b'));
    expect(c.aborted).toBe(false);
    c.abort();
    c.abort();
    expect(c.aborted).toBe(true);
    expect(heard).toEqual(['a', 'b']);
  });

  it('does not call a removed listener, nor one added after cancelling', () => {
    const c = new Cancellation();
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    c.addEventListener('abort', removed);
    c.removeEventListener('abort', removed);
    c.abort();
    c.addEventListener('abort', () => heard.push('late'));
    expect(heard).toEqual([]);
  });

  it('keeps calling the other listeners when one throws', () => {
    const c = new Cancellation();
    const heard: string[] = [];
    c.addEventListener('abort', () => {
      throw new Error('listener bug');
    });
    c.addEventListener('abort', () => heard.push('second'));
    expect(() => c.abort()).not.toThrow();
    expect(heard).toEqual(['second']);
  });
});
