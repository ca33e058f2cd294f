/**
 * Child process for the concurrent-open test: waits (spinning, so the processes line up to the
 * millisecond) until the given wall-clock moment, then opens the run store and the event store in
 * the given data folder and prints "opened".
 */
import { join } from 'node:path';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { RunStore } from '../../src-main/runs/run-store';

const [dir, at] = process.argv.slice(2) as [string, string];
while (Date.now() < Number(at));
RunStore.open(join(dir, 'runs.sqlite')).close();
SqliteEventStore.open(join(dir, 'events.sqlite')).close();
console.log('opened');
