import { describe, expect, it } from 'vitest';
import { StoreHealth } from '../../src/store/health.js';
import { captureLogger } from './logs.js';

const fail = (message = 'boom') => Promise.reject(new Error(message));

describe('StoreHealth.guard', () => {
  it('returns the result, or the fallback on an error (thrown at once or later)', async () => {
    const health = new StoreHealth(captureLogger(), 'memory://', 200);
    expect(await health.guard('op', async () => 1, 0)).toBe(1);
    expect(await health.guard('op', () => fail(), 0)).toBe(0);
    expect(
      await health.guard(
        'op',
        () => {
          throw new Error('sync');
        },
        0,
      ),
    ).toBe(0);
    expect(health.healthy).toBe(false);
  });

  it('gives up at the deadline on a call that hangs', async () => {
    const health = new StoreHealth(captureLogger(), 'memory://', 100);
    const start = performance.now();
    expect(await health.guard('hang', () => new Promise<number>(() => undefined), -1)).toBe(-1);
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(400);
  });

  it('ignores a call that fails after its deadline', async () => {
    const health = new StoreHealth(captureLogger(), 'memory://', 20);
    const late = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('late')), 60));
    expect(await health.guard('late', () => late, 0)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 80));
  });
});

describe('StoreHealth logging', () => {
  it('warns once per outage and says when it is over', async () => {
    const logger = captureLogger();
    const health = new StoreHealth(logger, 'redis://cache:6379', 100);
    for (let i = 0; i < 5; i++) await health.guard('getSettings', () => fail('ECONNREFUSED'), null);
    health.failed('connection', new Error('reconnect failed'));
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]!.obj).toMatchObject({ store: 'redis://cache:6379', op: 'getSettings' });
    expect(logger.at('info')).toEqual([]);
    await health.guard('getSettings', async () => 1, 0);
    await health.guard('getSettings', async () => 1, 0);
    expect(health.healthy).toBe(true);
    expect(logger.at('info').map((l) => l.msg)).toEqual(['store recovered']);
  });

  it('does not warn again for an outage right after the last (a flapping store)', async () => {
    const logger = captureLogger();
    const health = new StoreHealth(logger, 'sqlite:data/state.sqlite', 100);
    for (let i = 0; i < 4; i++) {
      await health.guard('write', () => fail('SQLITE_FULL'), false);
      await health.guard('read', async () => true, false);
    }
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('info')).toHaveLength(1);
    expect(logger.at('debug').length).toBeGreaterThan(0);
  });
});
