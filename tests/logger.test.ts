import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, redactUrl } from '../src/logger.js';

const TOKEN = 'MTA5.secret-token_value.XYZ';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: [TOKEN, undefined],
    destination: { write: (l: string) => lines.push(l) },
  });
  return { lines, logger };
}

describe('logger', () => {
  it('writes one JSON object per line', () => {
    const { lines, logger } = capture();
    logger.info({ guildId: '1' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, guildId: '1', msg: 'hello' });
  });

  it('redacts token-like fields by name', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        token: 'a',
        authorization: 'Bot b',
        config: { discordToken: 'c' },
        request: { headers: { authorization: 'd' } },
        rest: { token: 'e' },
      },
      'fields',
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      token: '[redacted]',
      authorization: '[redacted]',
      config: { discordToken: '[redacted]' },
      rest: { token: '[redacted]' },
    });
    expect(line.request).toEqual({ headers: { authorization: '[redacted]' } });
  });

  it('never lets the token through, even in messages, errors and stacks', () => {
    const { lines, logger } = capture();
    const error = new Error(`401 for Authorization: Bot ${TOKEN}`) as Error & { requestBody?: unknown };
    error.requestBody = { json: { note: `x${TOKEN}y` } };
    logger.error({ err: error }, `failed with ${TOKEN}`);
    logger.warn({ detail: { nested: [`"${TOKEN}"`] } }, 'nested');
    logger.info(`quoted "${TOKEN}" and escaped ${JSON.stringify({ t: TOKEN })}`);
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('secret-token_value');
    expect(all).toContain('[redacted]');
    const first = JSON.parse(lines[0]!) as { err: { message: string; stack: string } };
    expect(first.err.message).toBe('401 for Authorization: Bot [redacted]');
  });

  it('redactSecrets ignores short or missing secrets', () => {
    expect(redactSecrets('a b c', ['a', undefined])).toBe('a b c');
    expect(redactSecrets('x12345678x', ['12345678'])).toBe('x[redacted]x');
    expect(redactSecrets('say "a\\"quoted\\"token"', ['a"quoted"token'])).toBe('say "[redacted]"');
  });
});

describe('redactUrl', () => {
  it('keeps a URL readable but drops credentials and the values of secret-looking parameters', () => {
    expect(redactUrl('https://example.org/news/1?page=2')).toBe('https://example.org/news/1?page=2');
    expect(redactUrl('https://user:pw@example.org/feed?api_key=abc&token=def&lang=en')).toBe(
      'https://example.org/feed?api_key=%5Bredacted%5D&token=%5Bredacted%5D&lang=en',
    );
    expect(redactUrl('https://cdn.example/attachments/1/2/a.md?ex=65&is=66&hm=deadbeef')).not.toContain(
      'deadbeef',
    );
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
