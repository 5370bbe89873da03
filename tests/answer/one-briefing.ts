import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/answer/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

/** A briefing file to write: its name, front matter and body. */
export interface TestBriefing {
  file: string;
  title: string;
  source: string;
  date?: string;
  text: string;
}

/** An engine over a knowledge folder of its own holding these briefings: for a test that needs sentences the seeds lack. */
export async function engineWithBriefings(briefings: TestBriefing[]): Promise<Engine> {
  const dir = await mkdtemp(path.join(tmpdir(), 'briefing-'));
  for (const b of briefings)
    await writeFile(
      path.join(dir, b.file),
      [
        '---',
        `title: "${b.title}"`,
        `source: ${b.source}`,
        ...(b.date ? [`date: ${b.date}`] : []),
        '---',
        '',
        b.text,
        '',
      ].join('\n'),
    );
  return Engine.build(await loadKnowledge(dir));
}

/** An engine over a knowledge folder of its own holding one briefing. */
export async function engineWithBriefing(briefing: TestBriefing): Promise<Engine> {
  return engineWithBriefings([briefing]);
}
