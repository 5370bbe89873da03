import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { captureLogger } from './logs.js';

/** Runs `src/cli/feedback.ts` as `npm run feedback` does, with the given store variables. */
function feedback(
  args: string[],
  env: { STORE_URL?: string; DATA_DIR?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/feedback.ts', ...args], {
      env: { ...process.env, STORE_URL: '', DATA_DIR: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

describe('npm run feedback', () => {
  let root: string;
  let dataDir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'feedback-cli-'));
    dataDir = join(root, 'data');
    const store = await openStore({ dataDir, logger: captureLogger() });
    const vote = (question: string, v: 'up' | 'down', userId: string, passages = ['talks#1']) =>
      store.recordFeedback({
        question,
        passages,
        vote: v,
        guildId: '1',
        userId,
        at: Date.parse('2025-03-04T05:06:00Z'),
      });
    await vote('Who leads the delegation?', 'down', 'a', ['talks#3', 'talks#4']);
    await vote('Who leads the delegation?', 'down', 'b', ['talks#3', 'talks#4']);
    await vote('Who leads the delegation?', 'up', 'c');
    await vote('What about sanctions?', 'down', 'a', []);
    await vote('Where is the summit?', 'up', 'a');
    await store.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints the questions with the most 👎 and the passages they got', async () => {
    const r = await feedback([], { DATA_DIR: dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 votes (2 👍, 3 👎) on 3 questions');
    expect(r.stdout).toMatch(
      /1\. "Who leads the delegation\?"\n {3}👎 2 {2}👍 1 .*last vote 2025-03-04 05:06 UTC/,
    );
    expect(r.stdout).toMatch(/- talks#3\n {5}- talks#4/);
    expect(r.stdout).toMatch(/2\. "What about sanctions\?"[\s\S]*quoted no passage/);
    expect(r.stdout).not.toContain('Where is the summit');
  });

  it('prints JSON with --json, and at most --limit questions', async () => {
    const r = await feedback(['--json', '--limit', '1'], { DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      votes: number;
      entries: { question: string; passages: string[] }[];
    };
    expect(report.votes).toBe(5);
    expect(report.entries).toHaveLength(1);
    expect(report.entries[0]).toMatchObject({
      question: 'Who leads the delegation?',
      passages: ['talks#3', 'talks#4'],
    });
  });

  it('says there is nothing yet when the bot never ran, without creating the file', async () => {
    const empty = join(root, 'never-ran');
    const [r, json] = await Promise.all([
      feedback([], { DATA_DIR: empty }),
      feedback(['--json'], { DATA_DIR: empty }),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('does not exist yet');
    expect(r.stdout).toContain('No votes yet.');
    expect(JSON.parse(json.stdout)).toEqual({ questions: 0, votes: 0, up: 0, down: 0, entries: [] });
    expect(existsSync(empty)).toBe(false);
  });

  it('shows help, and rejects bad options and a malformed STORE_URL', async () => {
    const [help, zero, bogus, bad] = await Promise.all([
      feedback(['--help'], {}),
      feedback(['--limit', '0'], { DATA_DIR: dataDir }),
      feedback(['--bogus'], { DATA_DIR: dataDir }),
      feedback([], { STORE_URL: 'redis://admin:topsecret@cache:0' }),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--limit <n>');
    expect(zero.code).toBe(2);
    expect(bogus.code).toBe(2);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^STORE_URL /);
    expect(bad.stderr).not.toContain('topsecret');
  });
});
