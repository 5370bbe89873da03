import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { loadEngine } from '../../src/answer/load.js';
import type { AskOptions } from '../../src/answer/types.js';
import { CHAT_BANNER, CHAT_COMMANDS_LINE, chatReply, runChat } from '../../src/cli/chat.js';
import type { ChatState } from '../../src/cli/chat.js';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine('knowledge');
});

const EARLIER = 'Where were Putin and Kim supposed to meet?';

/** The engine, recording what it was asked. */
function recording(): Pick<Engine, 'ask'> & { asked: Array<[string, AskOptions | undefined]> } {
  const asked: Array<[string, AskOptions | undefined]> = [];
  return { asked, ask: (q, o) => (asked.push([q, o]), engine.ask(q, o)) };
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
});
