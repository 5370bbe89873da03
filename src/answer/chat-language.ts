import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Chat language: what people type ("nk", "whats", "gonna", "rn") mapped to what it stands for,
 * read before a question is analysed. The defaults are `lexicon/chat-language.yaml` (general
 * English chat language); a knowledge folder may add its own in `chat-language.yaml`.
 */
export type ChatWords = Readonly<Record<string, string>>;

/** The file name of chat language, in `lexicon/` (the defaults) and in a knowledge folder (additions). */
export const CHAT_LANGUAGE_FILE = 'chat-language.yaml';

const DEFAULT_FILE = new URL(`../../lexicon/${CHAT_LANGUAGE_FILE}`, import.meta.url);

/** An entry: one to three words ("nk", "the us", "w/o"). */
const ENTRY_KEY = /^[\p{L}\p{N}][\p{L}\p{N}.'/;&-]*(?: [\p{L}\p{N}][\p{L}\p{N}.'/;&-]*){0,2}$/u;
const fileSchema = z.object({
  words: z.record(z.string(), z.string().trim().max(80, 'must be at most 80 characters').nullable()),
});

/** A problem in a chat-language file, naming the field. */
export interface ChatLanguageProblem {
  field?: string;
  message: string;
}

/** Parses a chat-language file's text (`words:` map); problems name the field. */
export function parseChatLanguage(text: string): {
  words: Record<string, string>;
  problems: ChatLanguageProblem[];
} {
  let data: unknown;
  try {
    data = parseYaml(text) ?? { words: {} };
  } catch (err) {
    return {
      words: {},
      problems: [{ message: `is not valid YAML: ${(err as Error).message.split('\n')[0]}` }],
    };
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      words: {},
      problems: parsed.error.issues.map((issue) => ({
        ...(issue.path.length ? { field: issue.path.join('.') } : {}),
        message: issue.message,
      })),
    };
  }
  const words: Record<string, string> = {};
  const problems: ChatLanguageProblem[] = [];
  for (const [key, value] of Object.entries(parsed.data.words)) {
    const entry = key.trim().toLowerCase();
    if (!ENTRY_KEY.test(entry))
      problems.push({ field: `words.${key}`, message: 'must be one to three words' });
    else words[entry] = value ?? '';
  }
  return problems.length ? { words: {}, problems } : { words, problems };
}

let defaults: ChatWords | undefined;

/** The default chat language (`lexicon/chat-language.yaml`), read once. Throws, naming the file, if broken. */
export function defaultChatWords(): ChatWords {
  if (!defaults) {
    const { words, problems } = parseChatLanguage(readFileSync(DEFAULT_FILE, 'utf8'));
    if (problems.length)
      throw new Error(
        `lexicon/${CHAT_LANGUAGE_FILE}: ${problems.map((p) => `${p.field ? `${p.field}: ` : ''}${p.message}`).join('; ')}`,
      );
    defaults = words;
  }
  return defaults;
}

/** A word as chat writes it: letters and digits, with inner dots, apostrophes, "&" or hyphens; "w/", "U.S.". */
const WORD = /[\p{L}\p{N}]+(?:[.'’&;/-][\p{L}\p{N}]+)*(?:\.(?=[\s,?!;:)]|$)|\/)?/gu;

/** Chat language compiled for look-ups: keys by their number of words. */
export class ChatLanguage {
  private readonly words = new Map<string, string>();
  private readonly longest: number;
  /** The first word of each entry: a word that is none starts no entry. */
  private readonly starts = new Set<string>();

  constructor(...sources: ChatWords[]) {
    for (const source of sources)
      for (const [key, value] of Object.entries(source)) this.words.set(key.toLowerCase(), value);
    this.longest = Math.max(1, ...[...this.words.keys()].map((k) => k.split(' ').length));
    for (const key of this.words.keys()) this.starts.add(key.split(' ')[0]!);
  }

  /** Whether an entry may start at `word` (as typed, or with its full stop or possessive off). */
  private mayStart(word: string): boolean {
    const key = word.toLowerCase().replace(/’/g, "'");
    return (
      this.starts.has(key) ||
      (key.endsWith('.') && this.starts.has(key.slice(0, -1))) ||
      (key.endsWith("'s") && this.starts.has(key.slice(0, -2)))
    );
  }

  /**
   * Rewrites chat language in a question: each run of words that is an entry is replaced by what
   * it stands for (longest entry first), fillers are removed; everything else is kept as typed.
   * `name(words, i)` says how many words from the i-th make a name of several words, which is kept
   * whole ("kim jong un": its "un" is no United Nations).
   */
  normalise(text: string, name?: (words: readonly string[], i: number) => number): string {
    const tokens = [...text.matchAll(WORD)].map((m) => ({
      start: m.index,
      end: m.index + m[0].length,
      word: m[0],
    }));
    const words = name ? tokens.map((t) => t.word) : [];
    let out = '';
    let cursor = 0;
    for (let i = 0; i < tokens.length;) {
      const named = name ? name(words, i) : 0;
      if (named > 1) {
        i += named;
        continue;
      }
      // (Most words start no entry: they are kept without building every run from them.)
      if (!this.mayStart(tokens[i]!.word)) {
        i++;
        continue;
      }
      let matched = 0;
      let replacement = '';
      for (let n = Math.min(this.longest, tokens.length - i); n >= 1 && !matched; n--) {
        // Only words that stand next to each other (a space between them) form a phrase.
        const run = tokens.slice(i, i + n);
        if (run.some((t, k) => k > 0 && text.slice(run[k - 1]!.end, t.start) !== ' ')) continue;
        const key = run.map((t) => t.word.toLowerCase().replace(/’/g, "'")).join(' ');
        // "nk", "nk." at the end of a sentence, "nk's": the entry, keeping the full stop or possessive.
        const forms: Array<[string, string]> = [[key, '']];
        if (key.endsWith('.')) forms.push([key.slice(0, -1), '.']);
        if (key.endsWith("'s")) forms.push([key.slice(0, -2), "'s"]);
        for (const [form, tail] of forms) {
          const value = this.words.get(form);
          if (value === undefined) continue;
          matched = n;
          replacement = value === '' ? (tail === '.' ? '.' : '') : value + tail;
          break;
        }
      }
      if (!matched) {
        i++;
        continue;
      }
      const first = tokens[i]!;
      const last = tokens[i + matched - 1]!;
      out += text.slice(cursor, first.start) + replacement;
      cursor = last.end;
      i += matched;
    }
    out += text.slice(cursor);
    return out
      .replace(/\s{2,}/g, ' ')
      .replace(/\s+([,?!.;:])/g, '$1')
      .trim();
  }
}
