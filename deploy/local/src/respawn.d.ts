/** Types for respawn 2.6 (mafintosh/respawn ships none), limited to what processes.ts uses. */
declare module 'respawn' {
  import type { ChildProcess, StdioOptions } from 'node:child_process';
  import type { EventEmitter } from 'node:events';

  export interface RespawnOptions {
    name?: string;
    cwd?: string;
    env?: Record<string, string>;
    stdio?: StdioOptions;
    /** Restarts allowed within 60 s of running time; beyond: the 'crash' event and no more restarts. -1: unlimited. */
    maxRestarts?: number;
    /** Delay before the n-th restart (1-based) in ms. */
    sleep?: number | number[] | ((restarts: number) => number);
    /** Grace period in ms between SIGTERM and SIGKILL on stop(). */
    kill?: number | false;
  }

  export interface Monitor extends EventEmitter {
    status: 'running' | 'stopping' | 'stopped' | 'crashed' | 'sleeping';
    pid: number;
    child: ChildProcess | null;
    maxRestarts: number;
    start(): void;
    stop(callback?: () => void): void;
    on(event: 'spawn', listener: (child: ChildProcess) => void): this;
    on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
    on(event: 'warn', listener: (error: Error) => void): this;
    on(event: 'stdout' | 'stderr', listener: (data: Buffer) => void): this;
    on(event: 'crash' | 'stop' | 'sleep' | 'start' | 'force-kill', listener: () => void): this;
  }

  export default function respawn(command: string[], options?: RespawnOptions): Monitor;
}
