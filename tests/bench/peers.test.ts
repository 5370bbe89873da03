import { describe, expect, it } from 'vitest';
import { miniSearchPeer, winkBm25Peer, type Passage } from '../../bench/peers.js';

const TEXTS = [
  'The minister of Veloria visited the harbor of Port Halvern in spring.',
  'Sanctions were imposed on three shipping firms that carried machine parts.',
  'Analysts warned that the naval drills were larger than in previous years.',
  'The planned meeting took place at the Arkavel launch facility.',
  'Officials said the talks on export controls would resume next month.',
];
const PASSAGES: Passage[] = TEXTS.map((text, i) => ({ id: `tiny#${i}`, briefing: 'tiny', index: i, text }));

const peers = [
  miniSearchPeer(PASSAGES, { stopWords: true }),
  miniSearchPeer(PASSAGES, { stopWords: false }),
  winkBm25Peer(PASSAGES),
];

describe.each(peers.map((p) => [p.name, p] as const))('%s', (_name, peer) => {
  it('returns the right passage first for simple questions', () => {
    expect(peer.search('Where did the planned meeting take place?', 3)[0]).toBe('tiny#3');
    expect(peer.search('Which firms were sanctions imposed on?', 3)[0]).toBe('tiny#1');
    expect(peer.search('What did analysts warn about the drills?', 3)[0]).toBe('tiny#2');
  });

  it('returns at most k ids, and [] when nothing matches', () => {
    expect(peer.search('the minister warned officials', 2).length).toBeLessThanOrEqual(2);
    expect(peer.search('zebra xylophone', 3)).toEqual([]);
  });

  it('reports a serialized index size', () => {
    expect(peer.serializedBytes()).toBeGreaterThan(100);
  });
});

describe('stop words', () => {
  it('MiniSearch with stop words dropped declines a question made of stop words only', () => {
    expect(miniSearchPeer(PASSAGES, { stopWords: true }).search('what was the', 3)).toEqual([]);
    expect(miniSearchPeer(PASSAGES, { stopWords: false }).search('what was the', 3)).not.toEqual([]);
  });

  it('wink-bm25 works with fewer than 3 passages (which it cannot consolidate alone)', () => {
    const peer = winkBm25Peer(PASSAGES.slice(0, 2));
    expect(peer.search('shipping firms', 3)).toEqual(['tiny#1']);
  });
});
