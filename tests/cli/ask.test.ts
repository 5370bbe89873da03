import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** DATA_DIR of these runs, where the CLI keeps its saved index (not the checkout's ./data). */
const dataDir = mkdtempSync(path.join(tmpdir(), 'ask-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `src/cli/ask.ts` as `npm run ask` does, and collects its output. */
function ask(
  args: string[],
  stdin?: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1', DATA_DIR: dataDir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('npm run ask', () => {
  it('prints quoted excerpts with their source', async () => {
    const r = await ask(['Who is Pranay Vaddi?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^> .*Pranay Vaddi/m);
    expect(r.stdout).toContain('TASS and official briefings by US government channels');
  });

  it('--json prints exactly one answer object', async () => {
    const r = await ask(['--json', '--top', '2', 'Where were Putin and Kim supposed to meet?']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!);
    expect(answer).toMatchObject({
      question: 'Where were Putin and Kim supposed to meet?',
      answered: true,
      notCovered: [],
    });
    expect(answer.excerpts.length).toBeLessThanOrEqual(2);
    expect(answer.excerpts[0]).toEqual(
      expect.objectContaining({
        text: expect.stringContaining('Vostochny'),
        briefing: expect.any(String),
        title: expect.any(String),
        source: expect.any(String),
        score: expect.any(Number),
      }),
    );
  });

  it('--json with no question answers 1,000 questions from stdin as JSON Lines, in order', async () => {
    const base = [
      'Who is Daniel Kritenbrink?',
      'What is the capital of France?',
      '',
      'dprk russia?',
      'Where is Vostochny?',
    ];
    const questions = Array.from(
      { length: 1000 },
      (_, i) => `${base[i % base.length]}${i % 7 === 0 ? ' ' : ''}`,
    );
    const r = await ask(['--json'], questions.join('\n') + '\n');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1000);
    lines.forEach((line, i) => {
      const a = JSON.parse(line);
      expect(a.question).toBe(questions[i]!.trim());
      expect(typeof a.answered).toBe('boolean');
    });
  }, 60_000);

  it('--json "tldr" prints a summary: the lead of each briefing, verbatim, with the briefings summarised', async () => {
    const r = await ask(['--json', 'tldr']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!);
    expect(answer).toMatchObject({
      question: 'tldr',
      answered: true,
      intent: 'summary',
      notCovered: [],
      related: [],
    });
    expect(answer.reason).toBeUndefined();
    expect(answer.excerpts).toHaveLength(2);
    expect(answer.excerpts.map((e: { briefing: string }) => e.briefing)).toEqual(
      answer.briefings.map((b: { id: string }) => b.id),
    );
    expect(answer.excerpts[0]).toMatchObject({ passage: 0, score: 0, highlights: [] });
    for (const e of answer.excerpts as Array<{ text: string; briefing: string }>) {
      const b = answer.briefings.find((x: { id: string }) => x.id === e.briefing);
      expect(e.text.startsWith(b.opening)).toBe(true);
    }
  });

  it('answers chat as text: "hi" with an example question the engine answers, "thanks" in a line', async () => {
    const hi = await ask(['hi']);
    expect(hi.code).toBe(0);
    expect(hi.stdout).toBe(
      'Hi! I answer questions about the news briefings by quoting the passages that answer them, with their sources. Try asking: “Who is Pranay Vaddi?”\n',
    );
    const thanks = await ask(['thanks!']);
    expect(thanks.stdout).toBe("You're welcome! Ask me anything else about the briefings.\n");
    const json = JSON.parse((await ask(['--json', 'sources?'])).stdout);
    expect(json).toMatchObject({
      answered: false,
      intent: 'sources',
      excerpts: [],
      related: [],
      notCovered: [],
    });
    expect(json.briefings).toHaveLength(2);
  });

  it('saves the analysed briefings in DATA_DIR/index-cache and answers from them the next time', async () => {
    const own = await mkdtemp(path.join(tmpdir(), 'ask-cache-'));
    const cacheDir = path.join(own, 'index-cache');
    const first = await ask(['--json', 'Who is Pranay Vaddi?'], undefined, { DATA_DIR: own });
    expect(first.code, first.stderr).toBe(0);
    const saved = await readdir(cacheDir);
    expect(saved).toHaveLength(1);
    const written = (await stat(path.join(cacheDir, saved[0]!))).mtimeMs;
    // Loaded, not rebuilt: a rebuild would write the file again.
    const second = await ask(['--json', 'Who is Pranay Vaddi?'], undefined, { DATA_DIR: own });
    expect(second.stdout).toBe(first.stdout);
    expect(await readdir(cacheDir)).toEqual(saved);
    expect((await stat(path.join(cacheDir, saved[0]!))).mtimeMs).toBe(written);

    const none = await mkdtemp(path.join(tmpdir(), 'ask-nocache-'));
    const fresh = await ask(['--json', '--no-index-cache', 'Who is Pranay Vaddi?'], undefined, {
      DATA_DIR: none,
    });
    expect(fresh.stdout).toBe(first.stdout);
    expect(await readdir(none)).toEqual([]);
    for (const dir of [own, none]) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a broken knowledge folder, naming the file and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'broken-'));
    await writeFile(path.join(dir, 'bad.md'), '---\ntitle: Only a title\n---\n\nText.');
    const r = await ask(['--knowledge', dir, 'anything']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.md: source: is required');
    expect(r.stdout).toBe('');
  });

  it('--search lists every passage with the words as text, numbered, with the total', async () => {
    const r = await ask(['--search', 'sanctions']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^1\. .*\bsanctions\b/);
    expect(lines[1]).toMatch(
      /^ {3}— US Official Highlights .* · TASS and official briefings by US government channels$/,
    );
    expect(lines.at(-1)).toBe('Showing 1–2 of 2');
    const paged = await ask(['--search', '--top', '1', 'sanctions']);
    expect(paged.stdout.trim().split('\n').at(-1)).toBe('Showing 1–1 of 2 (--offset 1 for more)');
    const some = await ask(['--search', 'sanctions', 'france']);
    expect(some.stdout.split('\n').slice(0, 2)).toEqual([
      'The briefings never mention: france',
      'No passage has all of: sanctions, france; passages with some of them:',
    ]);
  });

  it('--search --json prints the search result; with no words, one per line of standard input', async () => {
    const one = await ask(['--json', '--search', '"security council"']);
    expect(one.code, one.stderr).toBe(0);
    const result = JSON.parse(one.stdout);
    expect(result).toMatchObject({
      query: '"security council"',
      words: ['"security council"'],
      match: 'all',
    });
    expect(result.total).toBe(result.excerpts.length);
    for (const e of result.excerpts as Array<{ text: string }>) expect(e.text).toContain('Security Council');
    const many = await ask(['--json', '--search', '--offset', '1', '--top', '1'], 'sanctions\n\nzebra\n');
    const lines = many.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.query, l.match, l.total, l.excerpts.length])).toEqual([
      ['sanctions', 'all', 2, 1],
      ['', 'empty', 0, 0],
      ['zebra', 'none', 0, 0],
    ]);
  });

  it('--sources lists the briefings, or those a name fits, as text or JSON', async () => {
    const all = await ask(['--sources']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toEqual([
      'Briefings (2):',
      expect.stringMatching(/^- US Official Highlights .* · 24 passages$/),
      expect.stringMatching(/^- US Plans Measures .* · 22 passages$/),
    ]);
    const vaddi = JSON.parse((await ask(['--sources', '--json', 'vaddi'])).stdout);
    expect(vaddi).toMatchObject({
      query: 'vaddi',
      total: 1,
      offset: 0,
      briefings: [{ id: 'us-official-russia-north-korea-cooperation', passages: 24 }],
    });
    const page = JSON.parse((await ask(['--sources', '--json', '--top', '1', '--offset', '1'])).stdout);
    expect(page).toMatchObject({ query: '', total: 2, offset: 1 });
    expect(page.briefings).toHaveLength(1);
    expect((await ask(['--sources', 'zebra'])).stdout).toBe('No briefing matches “zebra”.\n');
  });

  it('explains bad usage and has --help', async () => {
    expect((await ask(['--top', 'lots', 'q'])).code).toBe(2);
    for (const args of [
      ['--search'],
      ['--search', '--sources', 'x'],
      ['--offset', '3', 'q'],
      ['--search', '--top', '51', 'x'],
    ]) {
      const r = await ask(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const help = await ask(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--knowledge <dir>');
    expect(help.stdout).toContain('--search');
    expect(help.stdout).toContain('--sources');
  });
});
