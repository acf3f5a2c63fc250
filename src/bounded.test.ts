import { describe, expect, it } from 'vitest';
import { limiter, mapBounded } from './bounded.js';

describe('mapBounded', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([30, 5, 20, 1, 10], 2, async (ms) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
  });
});

describe('limiter', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('never runs more calls at once than the limit, across calls started at different times', async () => {
    let running = 0;
    let peak = 0;
    const gate = limiter(() => 2);
    const call = (ms: number) =>
      gate(async () => {
        peak = Math.max(peak, ++running);
        await tick(ms);
        running--;
        return ms;
      });
    const first = [call(20), call(5), call(10)];
    await tick(1);
    const later = [call(1), call(15)];
    expect(await Promise.all([...first, ...later])).toEqual([20, 5, 10, 1, 15]);
    expect(peak).toBe(2);
  });

  it('takes a raised limit as soon as a call ends: the waiting calls start together', async () => {
    let limit = 1;
    let running = 0;
    let peak = 0;
    const gate = limiter(() => limit);
    const calls = Array.from({ length: 6 }, (_, i) =>
      gate(async () => {
        peak = Math.max(peak, ++running);
        if (i === 0) limit = 5; // the first answer says the server multiplexes
        await tick(5);
        running--;
      }),
    );
    await Promise.all(calls);
    expect(peak).toBe(5);
  });

  it('starts the waiting calls a raised limit allows on wake, before any call ends', async () => {
    let limit = 1;
    let started = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const gate = limiter(() => limit);
    const calls = Array.from({ length: 4 }, () =>
      gate(async () => {
        started++;
        await held;
      }),
    );
    await tick(1);
    expect(started).toBe(1);
    limit = 3; // the connection opened: the server multiplexes
    gate.wake();
    await tick(1);
    expect(started).toBe(3);
    release();
    await Promise.all(calls);
    expect(started).toBe(4);
  });

  it('closes on the first call that fails: the waiting calls never start, later ones are refused', async () => {
    const gate = limiter(() => 1);
    let ran = 0;
    const failed = gate(() => Promise.reject(new Error('refused')));
    const waiting = gate(async () => {
      ran++;
      await tick(1);
    });
    await Promise.all([
      expect(failed).rejects.toThrow('refused'),
      expect(waiting).rejects.toThrow('refused'),
    ]);
    await expect(gate(() => Promise.resolve(ran++))).rejects.toThrow('refused');
    expect(ran).toBe(0);
  });

  it('lets the running calls finish when closed from outside, and starts none that wait', async () => {
    const gate = limiter(() => 1);
    const running = gate(async () => {
      await tick(5);
      return 'finished';
    });
    const waiting = gate(() => Promise.resolve('started'));
    gate.close(new Error('discovery failed'));
    // the waiting call is refused at once, before the running one ends
    await expect(waiting).rejects.toThrow('discovery failed');
    expect(await running).toBe('finished');
  });
});
