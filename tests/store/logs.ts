/** Test helper: a logger that keeps what the store logs, by level. */
import type { StoreLogger } from '../../src/store/index.js';

export interface LogLine {
  level: 'info' | 'warn' | 'debug';
  msg: string;
  obj: Record<string, unknown>;
}

export interface CapturedLogger extends StoreLogger {
  lines: LogLine[];
  at(level: LogLine['level']): LogLine[];
}

export function captureLogger(): CapturedLogger {
  const lines: LogLine[] = [];
  const push = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, msg, obj: obj as Record<string, unknown> });
  };
  return {
    lines,
    info: push('info'),
    warn: push('warn'),
    debug: push('debug'),
    at: (level) => lines.filter((l) => l.level === level),
  };
}
