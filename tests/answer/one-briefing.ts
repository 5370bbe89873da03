import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/answer/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

/** An engine over a knowledge folder of its own holding one briefing: for a test that needs a sentence the seeds lack. */
export async function engineWithBriefing(briefing: {
  file: string;
  title: string;
  source: string;
  text: string;
}): Promise<Engine> {
  const dir = await mkdtemp(path.join(tmpdir(), 'briefing-'));
  await writeFile(
    path.join(dir, briefing.file),
    ['---', `title: "${briefing.title}"`, `source: ${briefing.source}`, '---', '', briefing.text, ''].join(
      '\n',
    ),
  );
  return Engine.build(await loadKnowledge(dir));
}
