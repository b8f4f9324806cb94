// Loaded with `--import` (NODE_OPTIONS) into the router and subgraphs when BENCH_PROFILE_DIR is set: a
// V8 CPU profile of the whole process, written as <name>-<pid>.cpuprofile when it exits. Plain
// JavaScript because it loads before tsx; NODE_OPTIONS may not carry --cpu-prof itself.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

const directory = process.env.BENCH_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  // A subgraph's event machinery thread (kit events/thread.ts) loads this too: its own file, so it
  // never overwrites its process's. It is written only if the thread ends on its own: at shutdown the
  // kit terminates it, which runs no exit listener, and its inspector answers Profiler.stop too late.
  const name = path.basename(path.dirname(path.dirname(process.argv[1] ?? 'node'))) + (isMainThread ? '' : `-thread${threadId}`);
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-process inspector session answers synchronously, so this completes before an exit.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(directory, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // At the stop signal, before shutdown work (a slow shutdown may end in SIGKILL, with no exit event).
  process.prependListener('SIGTERM', write);
  process.on('exit', write);
}
