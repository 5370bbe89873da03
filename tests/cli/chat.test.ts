import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { loadEngine } from '../../src/answer/load.js';
import type { AskOptions } from '../../src/answer/types.js';
import { CHAT_BANNER, CHAT_COMMANDS_LINE, chatReply, runChat } from '../../src/cli/chat.js';
import type { ChatEngine, ChatState } from '../../src/cli/chat.js';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine('knowledge');
});

const EARLIER = 'Where were Putin and Kim supposed to meet?';

/** The engine, recording what it was asked. */
function recording(): ChatEngine & { asked: Array<[string, AskOptions | undefined]> } {
  const asked: Array<[string, AskOptions | undefined]> = [];
  return {
    asked,
    ask: (q, o) => (asked.push([q, o]), engine.ask(q, o)),
    search: (q, o) => engine.search(q, o),
    findBriefings: (q, o) => engine.findBriefings(q, o),
  };
}

describe('the local chat and chat intents', () => {
  it('greets with an example question, thanks, and lists the briefings', () => {
    const state: ChatState = { offset: 0 };
    const examples = ['Who is Pranay Vaddi?'];
    expect(chatReply(engine, 'hello bot!', state, { examples })).toBe(
      'Hi! I answer questions about the news briefings by quoting the passages that answer them, with their sources. Try asking: “Who is Pranay Vaddi?”',
    );
    expect(chatReply(engine, 'thx', state)).toBe("You're welcome! Ask me anything else about the briefings.");
    expect(chatReply(engine, 'what briefings do you have', state).split('\n')).toEqual([
      'Briefings (2):',
      expect.stringMatching(/^- US Official Highlights .* · 24 passages$/),
      expect.stringMatching(/^- US Plans Measures .* · 22 passages$/),
    ]);
  });

  it('shows the help with the chat’s own commands', () => {
    const out = chatReply(engine, 'help', { offset: 0 }, { examples: ['Who is Pranay Vaddi?'] });
    expect(out).toContain('Try asking:\n- Who is Pranay Vaddi?');
    expect(out.endsWith(CHAT_COMMANDS_LINE)).toBe(true);
  });

  it('summarises a briefing asked for by its source', () => {
    const out = chatReply(engine, 'tldr of the state department one', { offset: 0 });
    expect(out.split('\n')[0]).toBe(
      'Summary of US Plans Measures to Counter Russia–North Korea Defense Cooperation:',
    );
    expect(out).toContain('> The United States is signaling a plan to implement a sequence of measures');
  });

  it('"thanks" leaves the last question for "more" and for follow-ups', () => {
    const recorder = recording();
    const state: ChatState = { offset: 0 };
    chatReply(recorder, EARLIER, state);
    chatReply(recorder, 'thanks for that', state);
    expect(state).toMatchObject({ last: EARLIER, remembered: EARLIER, offset: 0 });
    chatReply(recorder, 'more', state);
    chatReply(recorder, 'and who reported it?', state);
    expect(recorder.asked.map(([q, o]) => [q, o?.offset ?? 0, o?.context])).toEqual([
      [EARLIER, 0, undefined],
      ['thanks for that', 0, undefined],
      [EARLIER, 3, undefined],
      ['and who reported it?', 0, EARLIER],
    ]);
  });

  it('"search" lists every passage with the words, a page at a time, and "more" pages on', () => {
    const state: ChatState = { offset: 0 };
    const out = chatReply(engine, 'search North Korea', state).split('\n');
    const total = engine.search('North Korea').total;
    expect(total).toBeGreaterThan(8);
    expect(out[0]).toMatch(/^1\. /);
    expect(out).toContain(`Showing 1–8 of ${total}`);
    expect(out.at(-1)).toBe('(type "more" for the next page)');
    const next = chatReply(engine, 'more', state).split('\n');
    expect(next[0]).toMatch(/^9\. /);
    expect(next).toContain(`Showing 9–${Math.min(16, total)} of ${total}`);
    expect(chatReply(engine, 'search: sanctions france', state).split('\n').slice(0, 2)).toEqual([
      'The briefings never mention: france',
      'No passage has all of: sanctions, france; passages with some of them:',
    ]);
    expect(chatReply(engine, 'search', state)).toBe(
      'Type what to search for after "search", e.g. search sanctions',
    );
  });

  it('"sources" lists the briefings, and "sources <name>" those a name fits; a question after it gets "more" back', () => {
    const recorder = recording();
    const state: ChatState = { offset: 0 };
    expect(chatReply(recorder, 'sources tass', state).split('\n')).toEqual([
      'Briefings matching “tass” (1):',
      expect.stringMatching(/^- US Official Highlights .* · 24 passages$/),
    ]);
    expect(chatReply(recorder, 'sources?', state).split('\n')[0]).toBe('Briefings (2):');
    expect(chatReply(recorder, 'sources zebra', state)).toBe('No briefing matches “zebra”.');
    chatReply(recorder, EARLIER, state);
    chatReply(recorder, 'more', state);
    expect(recorder.asked.map(([q, o]) => [q, o?.offset ?? 0])).toEqual([
      [EARLIER, 0],
      [EARLIER, 3],
    ]);
  });

  it('runChat answers "hi" with an example question the engine answers', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const done = runChat(engine, { input, output });
    input.end('hi\nexit\n');
    await done;
    expect(printed.startsWith(CHAT_BANNER)).toBe(true);
    expect(printed).toContain('Hi! I answer questions about the news briefings');
    expect(printed).toContain('Try asking: “Who is Pranay Vaddi?”');
  });

  it('runChat ends at "/quit" as at "exit", without asking it as a question', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const done = runChat(engine, { input, output });
    input.write('/quit\n');
    await done;
    expect(printed).not.toContain('briefings don');
    input.end();
  });
});
