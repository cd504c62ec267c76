/**
 * A full garbage collection between the bench's phases, so a measurement pays for its own garbage and not for the
 * phase before it: the members import of 2,000,000 rows leaves some 2 GB of dead rows on the heap, whose collection
 * otherwise fell in the middle of the next measurement (20,000 logged reports spent 0.70 s in the collector after
 * the import, 0.24 s without it, in a same-process harness). `gc` is exposed for this only
 * (`--expose-gc` set at run time, read from a fresh context), never in the server.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
