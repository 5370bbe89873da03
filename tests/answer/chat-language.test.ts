/** Chat language: the file format (defaults in lexicon/, additions in a knowledge folder) and the rewriting of questions. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHAT_LANGUAGE_FILE,
  ChatLanguage,
  defaultChatWords,
  parseChatLanguage,
} from '../../src/answer/chat-language.js';

describe('parseChatLanguage', () => {
  it('reads a valid file: keys lower-cased, an empty or missing value is a filler', () => {
    const { words, problems } = parseChatLanguage(
      'words:\n  nk: North Korea\n  NYC: New York\n  rn: ""\n  tbh:\n  the us: the US\n  w/: with\n',
    );
    expect(problems).toEqual([]);
    expect(words).toEqual({
      nk: 'North Korea',
      nyc: 'New York',
      rn: '',
      tbh: '',
      'the us': 'the US',
      'w/': 'with',
    });
  });

  it('reads an empty file as no words', () => {
    expect(parseChatLanguage('')).toEqual({ words: {}, problems: [] });
  });

  it('refuses text that is not YAML, saying so', () => {
    const { words, problems } = parseChatLanguage('words: [unclosed');
    expect(words).toEqual({});
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/not valid YAML/);
  });

  it('refuses a key of four words, naming it', () => {
    const { words, problems } = parseChatLanguage('words:\n  nk: North Korea\n  one two three four: x\n');
    expect(words).toEqual({});
    expect(problems.map((p) => p.field)).toEqual(['words.one two three four']);
  });

  it('accepts a key of three words', () => {
    expect(parseChatLanguage('words:\n  one two three: x\n').problems).toEqual([]);
  });

  it('refuses a value longer than 80 characters, naming its key', () => {
    const { problems } = parseChatLanguage(`words:\n  nk: ${'x'.repeat(81)}\n  sk: South Korea\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'words.nk' });
    expect(problems[0]!.message).toMatch(/80 characters/);
    expect(parseChatLanguage(`words:\n  nk: ${'x'.repeat(80)}\n`).problems).toEqual([]);
  });

  it('refuses a value that is not text, and a file without `words`, naming the field', () => {
    expect(parseChatLanguage('words:\n  nk: 5\n').problems.map((p) => p.field)).toEqual(['words.nk']);
    expect(parseChatLanguage('other: 1\n').problems.map((p) => p.field)).toEqual(['words']);
  });

  it('parses the default lexicon file with no problems', () => {
    const text = readFileSync(new URL(`../../lexicon/${CHAT_LANGUAGE_FILE}`, import.meta.url), 'utf8');
    const { words, problems } = parseChatLanguage(text);
    expect(problems).toEqual([]);
    expect(Object.keys(words).length).toBeGreaterThan(50);
    expect(defaultChatWords()).toEqual(words);
  });
});

describe('ChatLanguage.normalise', () => {
  const defaults = new ChatLanguage(defaultChatWords());

  it('rewrites chat language as it was meant, with the default lexicon', () => {
    expect(defaults.normalise('whats nk getting from russia rn')).toBe(
      'what is North Korea getting from russia',
    );
    // Question words typed in a hurry, some of which are words of their own ("wat": a temple).
    expect(defaults.normalise('wat did tass say, wen, hw')).toBe('what did tass say, when, how');
  });

  it('drops fillers, leaving no double spaces nor a space before punctuation', () => {
    expect(defaults.normalise('lol ok whats up')).toBe('what is up');
    expect(defaults.normalise('what did nk say rn?')).toBe('what did North Korea say?');
    expect(defaults.normalise('whos the asst sec of state')).toBe('who is the assistant Secretary of State');
    // Intensifiers and asides say nothing the briefings could lack.
    expect(defaults.normalise('who tf is vaddi ngl')).toBe('who is vaddi');
    expect(defaults.normalise('fyi wtf did russia send smh')).toBe('did russia send');
    const fillers = new ChatLanguage({ um: '', like: '' });
    expect(fillers.normalise('um  what  like , happened')).toBe('what, happened');
  });

  it('matches two-word entries', () => {
    expect(defaults.normalise('what about the us?')).toBe('what about the US?');
    expect(defaults.normalise('n. korea and s. korea')).toBe('North Korea and South Korea');
  });

  it('matches words with a slash or dots ("w/", "d.c.")', () => {
    expect(defaults.normalise('talks w/ russia')).toBe('talks with russia');
    expect(defaults.normalise('is d.c. involved?')).toBe('is Washington involved?');
  });

  it('ignores case', () => {
    expect(defaults.normalise('WHATS NK doing')).toBe('what is North Korea doing');
  });

  it('prefers the longest entry', () => {
    const chat = new ChatLanguage({ us: 'United States', 'the us': 'the US', 'us govt': 'US government' });
    expect(chat.normalise('the us and us')).toBe('the US and United States');
    expect(chat.normalise('the us govt')).toBe('the US govt');
    expect(chat.normalise('us govt')).toBe('US government');
  });

  it('lets a later source override an earlier one, and keeps the rest of the earlier', () => {
    const chat = new ChatLanguage({ nk: 'North Korea', sk: 'South Korea' }, { nk: 'Nakhodka' });
    expect(chat.normalise('nk and sk')).toBe('Nakhodka and South Korea');
    // A later source may make a word a filler, or an earlier filler a word.
    expect(new ChatLanguage({ rn: '' }, { rn: 'right now' }).normalise('rn?')).toBe('right now?');
    expect(new ChatLanguage({ nk: 'North Korea' }, { nk: '' }).normalise('nk sanctions')).toBe('sanctions');
  });

  it('keeps punctuation and everything it does not know as typed', () => {
    expect(defaults.normalise('NK, SK and the US: sanctions?')).toBe(
      'North Korea, South Korea and the US: sanctions?',
    );
    expect(defaults.normalise('What did Kritenbrink say (in Seoul)?')).toBe(
      'What did Kritenbrink say (in Seoul)?',
    );
  });

  it('never touches a word inside another word', () => {
    expect(defaults.normalise('unknown un role')).toBe('unknown UN role');
    expect(defaults.normalise('the usual bus')).toBe('the usual bus');
    expect(defaults.normalise('unclear')).toBe('unclear');
    expect(defaults.normalise('un-backed plan')).toBe('un-backed plan');
  });

  it('reads a phrase only from words that stand next to each other', () => {
    expect(defaults.normalise('the, us')).toBe('the, us');
  });

  it('keeps whole the words of a name of several words that `name` recognises ("kim jong un")', () => {
    const names = (words: readonly string[], i: number) =>
      words
        .slice(i, i + 3)
        .join(' ')
        .toLowerCase() === 'kim jong un'
        ? 3
        : 0;
    expect(defaults.normalise('where did kim jong un meet putin', names)).toBe(
      'where did kim jong un meet putin',
    );
    // Without it, "un" is the United Nations; and outside the name it still is.
    expect(defaults.normalise('where did kim jong un meet putin')).toBe('where did kim jong UN meet putin');
    expect(defaults.normalise('what did the un say about kim jong un', names)).toBe(
      'what did the UN say about kim jong un',
    );
  });

  it('with no entries, only tidies spaces', () => {
    expect(new ChatLanguage().normalise('  what   is  nk ?')).toBe('what is nk?');
  });
});
