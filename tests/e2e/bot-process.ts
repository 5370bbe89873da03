/**
 * The real bot (or one of its CLIs) as a child process, for end-to-end tests: its output kept,
 * its JSON log lines parsed, waits on log lines, and a clean stop. Every process started is
 * killed by `killAll()` (call it in afterAll, so a failing test leaves nothing running).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIEmbed } from 'discord.js';
import WebSocket from 'ws';
import type { InteractionReply } from './fake-discord.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EPHEMERAL = 64;

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** Every process started by this test file, running or not (to check all their output). */
export const allProcesses = new Set<BotProcess>();

/** The parent's environment without anything that would configure the bot. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !/^(DISCORD_|KNOWLEDGE_DIR|LOG_LEVEL|NODE_OPTIONS|VITEST|STORE_URL|DATA_DIR|FEEDBACK_SALT|FLOOD_|HEALTH_|SHARD)/.test(
        k,
      )
    )
      env[k] = v;
  }
  return env;
}

export class BotProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<() => void>();

  /** Whether the process leads a process group of its own (see {@link killGroup}). */
  readonly group: boolean;

  /**
   * @param options.inspect start Node's inspector on a free loopback port, for {@link heapAfterGcMb}
   * @param options.group run it in a process group of its own, with everything it starts (a shard
   *   manager and its shard processes: one "host"), so that {@link killGroup} ends them all at once
   */
  constructor(
    args: string[],
    env: Record<string, string>,
    options: { inspect?: boolean; group?: boolean } = {},
  ) {
    const inspect = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
    this.group = options.group ?? false;
    this.child = spawn(process.execPath, [...inspect, '--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.group,
    });
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => this.#append('stdout', s));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => this.#append('stderr', s));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    allProcesses.add(this);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident memory of the process now, in MB (Linux /proc). */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  }

  /**
   * The JavaScript heap in use after two full garbage collections, in MB: what the process really
   * keeps, unlike RSS, which also counts garbage not yet collected and memory the allocator holds
   * on to. Needs the process started with `inspect`; asks through the inspector protocol.
   */
  async heapAfterGcMb(): Promise<number> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(this.stderr)?.[1];
    if (!url) throw new Error('heapAfterGcMb needs a process started with { inspect: true }');
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let lastId = 0;
    const call = (method: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const id = ++lastId;
        const onMessage = (data: WebSocket.RawData): void => {
          const message = JSON.parse(String(data)) as {
            id?: number;
            result?: Record<string, unknown>;
            error?: unknown;
          };
          if (message.id !== id) return;
          socket.off('message', onMessage);
          if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
          else resolve(message.result ?? {});
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    try {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return Number(usage.usedSize) / 2 ** 20;
    } finally {
      // Detached again, so that the process ends on a signal as it would without the inspector.
      socket.close();
    }
  }

  #append(stream: 'stdout' | 'stderr', s: string): void {
    this[stream] += s;
    for (const wake of this.#waiters) wake();
  }

  /** The JSON log lines written so far. */
  get logs(): LogLine[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  }

  /** Resolves with the first log line matching `predicate`, past or future. */
  waitForLog(
    predicate: (line: LogLine) => boolean,
    timeoutMs = 15_000,
    what = 'a log line',
  ): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const tail = () => `\nstdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-3000)}`;
      const check = (): boolean => {
        const found = this.logs.find(predicate);
        if (!found) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out waiting for ${what}.${tail()}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (check()) return;
        done();
        reject(new Error(`Bot exited while waiting for ${what}.${tail()}`));
      };
      const wake = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        this.child.off('exit', onExit);
      };
      if (check()) return;
      this.#waiters.add(wake);
      this.child.once('exit', onExit);
    });
  }

  /** Sends `signal` and resolves with how the process ended. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  /**
   * SIGKILLs the whole process group (a host losing power: the manager and every shard process at
   * once, none of them closing anything) and resolves once none of them is left.
   */
  async killGroup(): Promise<void> {
    this.#signalGroup('SIGKILL');
    await this.exited;
    await this.groupGone(10_000);
  }

  /** The pids of the group's processes still running (Linux /proc; zombies waiting to be reaped do not count). */
  groupPids(): number[] {
    const group = this.child.pid;
    return readdirSync('/proc').flatMap((entry) => {
      if (!/^\d+$/.test(entry)) return [];
      try {
        // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === group && state !== 'Z' ? [Number(entry)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
  }

  /** Resolves once no process of the group is left (the shard processes too); rejects after `timeoutMs`. */
  async groupGone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.groupPids().length > 0) {
      if (Date.now() > deadline)
        throw new Error(`process group ${this.child.pid} still running after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends `signal` to the whole group; false when no process is left in it (ESRCH). */
  #signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (!this.group || this.child.pid === undefined)
      throw new Error('process-group calls need a process started with { group: true }');
    try {
      process.kill(-this.child.pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Kills every process still running (afterAll), with their process groups. */
export async function killAll(): Promise<void> {
  await Promise.all([...allProcesses].map((p) => (p.group ? p.killGroup() : p.stop('SIGKILL'))));
}

/** The body of the request that completed a (possibly deferred) reply. */
export function finalBody(reply: InteractionReply): Record<string, unknown> {
  const last = reply.edits.at(-1) ?? reply.followUps.at(-1);
  return (last ? last.body : reply.data) as Record<string, unknown>;
}

/** Every text of a reply body: content and each embed's title, description, fields and footer. */
export function bodyText(body: Record<string, unknown>): string {
  const embeds = (body.embeds as APIEmbed[] | undefined) ?? [];
  return [
    typeof body.content === 'string' ? body.content : '',
    ...embeds.flatMap((e) => [
      e.title,
      e.description,
      e.footer?.text,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ]
    .filter(Boolean)
    .join('\n');
}
