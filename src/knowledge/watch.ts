import { watch, type FSWatcher } from 'node:fs';

/** A running watch; `close()` stops it. */
export interface KnowledgeWatch {
  close(): void;
}

/**
 * Calls `onChange` once the knowledge folder has been quiet for `debounceMs` after any file in
 * it was added, edited, renamed or removed (an editor's save is several events; a copy of many
 * files is many more). Where the platform can't watch a folder, falls back to polling every
 * `pollMs` (onChange then decides, by content hash, whether anything changed).
 */
export function watchKnowledge(
  dir: string,
  onChange: () => void,
  options: { debounceMs?: number; pollMs?: number; onError?: (error: Error) => void } = {},
): KnowledgeWatch {
  const debounceMs = options.debounceMs ?? 500;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
    timer.unref();
  };
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === null || !String(name).startsWith('.')) schedule();
    });
    watcher.on('error', (error) => options.onError?.(error));
  } catch (error) {
    options.onError?.(error as Error);
    poll = setInterval(onChange, options.pollMs ?? 30_000);
    poll.unref();
  }
  return {
    close() {
      watcher?.close();
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
    },
  };
}
