// The background checkpointer of src/storage/db.ts (`backgroundCheckpoints`): a thread with its own connection to
// each SQLite file the process has open, copying the WAL's committed pages into the database file (PASSIVE: it never
// waits for, nor blocks, the writer or the readers) so that the writer's commits rarely meet a checkpoint of their own.
//   { open: id, file, minMs, maxMs } — start checkpointing `file`; { close: id } — stop, close the connection,
//   answer { closed: id }.
// It looks again after `minMs` while it found pages to copy, and backs off up to `maxMs` while there were none (a
// checkpoint with nothing to copy reads a header and syncs nothing). Plain JavaScript: no loader needed in the thread.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';

const files = new Map();

function tick(id) {
  const f = files.get(id);
  if (!f) return;
  let copied = 0;
  try {
    const [r] = f.db.pragma('wal_checkpoint(PASSIVE)');
    // `log`: frames in the WAL; `checkpointed`: of those, in the database file. A restarted WAL counts from 0 again.
    copied = r.log < f.log ? r.checkpointed : r.checkpointed - f.checkpointed;
    f.log = r.log;
    f.checkpointed = r.checkpointed;
  } catch {
    // Busy (the writer's own checkpoint is running) or the file went away: look again later.
  }
  f.every = copied > 0 ? f.minMs : Math.min(f.maxMs, f.every * 2);
  f.timer = setTimeout(() => tick(id), f.every);
}

parentPort.on('message', (m) => {
  if (m.open !== undefined) {
    try {
      const db = new Database(m.file, { fileMustExist: true });
      // As the writer's connection: the checkpoint syncs the WAL before copying and the database file after.
      db.pragma('synchronous = NORMAL');
      const f = { db, log: 0, checkpointed: 0, every: m.minMs, minMs: m.minMs, maxMs: m.maxMs, timer: undefined };
      files.set(m.open, f);
      f.timer = setTimeout(() => tick(m.open), m.minMs);
    } catch {
      // Not checkpointed in the background: the writer's own checkpoints go on as before.
    }
    return;
  }
  if (m.close !== undefined) {
    const f = files.get(m.close);
    files.delete(m.close);
    if (f) {
      clearTimeout(f.timer);
      try {
        f.db.close();
      } catch {
        // Closing cannot lose anything: what is committed is in the WAL or the file.
      }
    }
    parentPort.postMessage({ closed: m.close });
  }
});
