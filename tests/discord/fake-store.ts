/**
 * Test helper: a {@link Store} whose every call succeeds with defaults and is recorded, with any
 * method replaceable (an unavailable store, a refused cooldown…). For the real thing in memory,
 * use `openStore({ url: 'memory://', logger })`.
 */
import { DEFAULT_SETTINGS } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';

export interface FakeStore extends Store {
  /** Method names, in call order. */
  calls: string[];
}

export function fakeStore(overrides: Partial<Store> = {}): FakeStore {
  const calls: string[] = [];
  const base: Store = {
    kind: 'memory',
    description: 'fake',
    healthy: true,
    getSettings: async () => ({ ...DEFAULT_SETTINGS }),
    updateSettings: async (_guildId, patch) => ({ settings: { ...DEFAULT_SETTINGS, ...patch }, saved: true }),
    hitCooldown: async () => ({ ok: true }),
    hitFlood: async () => ({ ok: true }),
    recordFeedback: async () => true,
    feedbackReport: async () => ({ questions: 0, votes: 0, up: 0, down: 0, entries: [] }),
    rememberQuestion: async () => undefined,
    previousQuestion: async () => undefined,
    hitImportLimit: async () => ({ ok: true }),
    savePendingConfirmation: async () => true,
    takePendingConfirmation: async () => undefined,
    dropPendingConfirmation: async () => undefined,
    seenFeedItems: async () => new Set<string>(),
    markFeedItemsSeen: async () => true,
    claimTurn: async () => ({ claimed: true }),
    claimFeedRound: async () => true,
    sharedBriefings: undefined,
    close: async () => undefined,
  };
  const store = { ...base, ...overrides, calls } as FakeStore;
  for (const key of Object.keys(base) as (keyof Store)[]) {
    const value = store[key];
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      calls.push(key);
      return method(...args);
    };
  }
  return store;
}
