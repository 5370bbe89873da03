import { afterEach, describe, expect, it } from 'vitest';
import { admitQuestion, answersPrivately, cooldownNotice, floodNotice } from '../../src/discord/admission.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_SETTINGS, openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { fakeStore } from './fake-store.js';

const logger = createLogger({ level: 'silent' });
const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const opened: Store[] = [];

async function memoryStore(): Promise<Store> {
  const store = await openStore({ url: 'memory://', logger });
  opened.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe('admitQuestion', () => {
  it('refuses the question after the flood limit, for that user only, with the wait', async () => {
    const ctx = { store: await memoryStore(), logger, floodLimits: { limit: 2, windowSeconds: 10 } };
    const ann = { guildId: GUILD, userId: 'ann' };
    expect((await admitQuestion(ctx, ann)).ok).toBe(true);
    expect((await admitQuestion(ctx, { ...ann, guildId: null })).ok).toBe(true); // DMs count too
    const third = await admitQuestion(ctx, ann);
    expect(third).toMatchObject({ ok: false, reason: 'flood' });
    if (third.ok) throw new Error('unreachable');
    expect(third.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(third.retryAfterSeconds).toBeLessThanOrEqual(10);
    expect(third.notice).toBe(`You're asking quickly — try again in ${third.retryAfterSeconds} s.`);
    expect((await admitQuestion(ctx, { guildId: GUILD, userId: 'bob' })).ok).toBe(true);
  });

  it('uses the default flood limit (5 in 10 s) when none is configured', async () => {
    const ctx = { store: await memoryStore(), logger };
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await admitQuestion(ctx, { guildId: null, userId: 'u' })).ok);
    expect(results).toEqual([true, true, true, true, true, false]);
  });

  it('applies the server cooldown per member and per server, and returns the settings', async () => {
    const store = await memoryStore();
    await store.updateSettings(GUILD, { cooldownSeconds: 60, visibility: 'private' });
    const ctx = { store, logger };
    const first = await admitQuestion(ctx, { guildId: GUILD, userId: 'ann' });
    expect(first).toEqual({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, cooldownSeconds: 60, visibility: 'private' },
    });
    const second = await admitQuestion(ctx, { guildId: GUILD, userId: 'ann' });
    expect(second).toMatchObject({ ok: false, reason: 'cooldown' });
    if (second.ok) throw new Error('unreachable');
    expect(second.retryAfterSeconds).toBeGreaterThan(55);
    expect(second.notice).toBe(cooldownNotice(60, second.retryAfterSeconds));
    expect(second.notice).toMatch(/^This server allows one question every 60 s — try again in \d+ s\.$/);
    expect((await admitQuestion(ctx, { guildId: GUILD, userId: 'bob' })).ok).toBe(true);
    expect((await admitQuestion(ctx, { guildId: OTHER_GUILD, userId: 'ann' })).ok).toBe(true);
    // No cooldown in DMs: there is no server to set one.
    expect(await admitQuestion(ctx, { guildId: null, userId: 'ann' })).toEqual({
      ok: true,
      settings: undefined,
    });
  });

  it('in a DM reads no settings and checks no cooldown', async () => {
    const store = fakeStore();
    await admitQuestion({ store, logger }, { guildId: null, userId: 'ann' });
    expect(store.calls).toEqual(['hitFlood']);
  });

  it('uses settings already read instead of reading them again', async () => {
    const store = fakeStore();
    const settings = { ...DEFAULT_SETTINGS, cooldownSeconds: 5 };
    expect(await admitQuestion({ store, logger }, { guildId: GUILD, userId: 'ann' }, settings)).toEqual({
      ok: true,
      settings,
    });
    expect(store.calls).toEqual(['hitFlood', 'hitCooldown']);
  });

  it('does not start a cooldown for a question refused as a flood', async () => {
    const store = fakeStore({
      hitFlood: async () => ({ ok: false, retryAfterSeconds: 3 }),
      getSettings: async () => ({ ...DEFAULT_SETTINGS, cooldownSeconds: 60 }),
    });
    const result = await admitQuestion({ store, logger }, { guildId: GUILD, userId: 'ann' });
    expect(result).toEqual({ ok: false, reason: 'flood', retryAfterSeconds: 3, notice: floodNotice(3) });
    expect(store.calls).not.toContain('hitCooldown');
  });

  it('lets questions through while the store is down (its fallbacks)', async () => {
    // The real store answers failures with these fallbacks: defaults, and "ok".
    const store = fakeStore({ healthy: false });
    expect(await admitQuestion({ store, logger }, { guildId: GUILD, userId: 'ann' })).toEqual({
      ok: true,
      settings: { ...DEFAULT_SETTINGS },
    });
  });
});

describe('answersPrivately', () => {
  it('is private when asked for, or when the server made answers private', () => {
    const priv = { ...DEFAULT_SETTINGS, visibility: 'private' as const };
    expect(answersPrivately(false, undefined)).toBe(false);
    expect(answersPrivately(false, { ...DEFAULT_SETTINGS })).toBe(false);
    expect(answersPrivately(true, { ...DEFAULT_SETTINGS })).toBe(true);
    expect(answersPrivately(false, priv)).toBe(true);
    expect(answersPrivately(true, priv)).toBe(true);
  });
});
