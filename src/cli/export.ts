/**
 * `plenum export ID DIR`: a discussion's complete public record as static files any web server can serve, laid out as
 * the server serves them under /log/<discussion>/ (C2SP tlog-tiles) — and what `plenum verify DIR` reads:
 *
 *   checkpoint            the signed checkpoint, with the witnesses' cosignatures it has
 *   vkey                  the log's verifier key
 *   tile/<L>/<N>[.p/<W>]  every hash tile of the checkpoint's tree
 *   tile/entries/<N>[.p/<W>]  every entry bundle (the full ones and the partial right edge)
 *   text/<sha256>         the public texts the entries name by hash (the discussion's title)
 *   tallies.json          every unit's published tally and the log size it accounts for
 *
 * The tallies are read first (one snapshot, accounting for entries 0 … L − 1), then a checkpoint covering at least L is
 * taken (signed now if the latest is older), so the files always cover what the figures rest on. Everything is written
 * to a temporary directory beside DIR and renamed into place once complete: DIR never holds half a record.
 */
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DomainError } from '../domain/errors.ts';
import { entryBundlePath, textPath, TILE_WIDTH, tileCoords } from '../log/tiles.ts';
import { sha256Hex } from '../log/entries.ts';
import { findDiscussion } from '../storage/discussions.repository.ts';
import { LogPublisher, requireLog } from '../services/log.ts';
import { publishedTallies } from '../services/tally.ts';
import type { Db } from '../storage/db.ts';
import { progressBar } from './io.ts';
import { dbOption, withStore } from './main.ts';

export interface ExportSummary {
  discussionId: string;
  dir: string;
  checkpointSize: number;
  /** The entries tallies.json accounts for. */
  logSize: number;
  rootHash: string;
  bundles: number;
  tiles: number;
  bytes: number;
}

export interface ExportOptions {
  now?: () => string;
  progress?: (label: string) => { update: (done: number, total: number) => void; stop: () => void };
}

/** Refuses a DIR that exists and is not an empty directory; true if it exists (empty). */
async function checkTarget(dir: string): Promise<boolean> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new DomainError('invalid_input', `${dir} exists and is not a directory; export writes a new directory`, { field: 'dir' });
    if ((await readdir(dir)).length > 0) throw new DomainError('invalid_input', `${dir} is not empty; export writes a new or empty directory, never over an older record`, { field: 'dir' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

export async function exportRecord(db: Db, discussionId: string, dir: string, opts: ExportOptions = {}): Promise<ExportSummary> {
  const now = opts.now ?? (() => new Date().toISOString());
  const target = resolve(dir);
  const existed = await checkTarget(target);
  await requireLog(db, discussionId);

  const tallies = await publishedTallies(db, discussionId, now());
  const publisher = new LogPublisher(db, now);
  const cp = await publisher.checkpoint(discussionId);
  const vkey = await publisher.verifierKey(discussionId);
  if (!cp || !vkey) throw new DomainError('not_found', `discussion '${discussionId}' has no public log`);
  if (cp.size < tallies.logSize) throw new Error(`the checkpoint (size ${cp.size}) does not cover the ${tallies.logSize} entries the tallies account for`);
  const size = cp.size;

  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.export-`));
  const made = new Set<string>();
  let bytes = 0;
  const write = async (path: string, content: Uint8Array | string) => {
    const file = join(tmp, path);
    const parent = dirname(file);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(file, content);
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  };

  const coords = tileCoords(size);
  const bundleCount = Math.ceil(size / TILE_WIDTH);
  const bar = (opts.progress ?? (() => ({ update: () => undefined, stop: () => undefined })))('exporting');
  let done = 0;
  try {
    await write('checkpoint', cp.cosigned);
    await write('vkey', `${vkey}\n`);
    for (const t of coords) {
      const tile = await publisher.tile(discussionId, size, t.level, t.index);
      if (!tile || tile.width !== t.width) throw new Error(`the log holds no tile ${t.path} for size ${size}`);
      await write(t.path, tile.bytes);
      bar.update(++done, coords.length + bundleCount);
    }
    for (let i = 0; i < bundleCount; i++) {
      const width = Math.min(TILE_WIDTH, size - i * TILE_WIDTH);
      await write(entryBundlePath(i, width), await publisher.bundle(discussionId, i, width));
      bar.update(++done, coords.length + bundleCount);
    }
    const definition = (await findDiscussion(db, discussionId))!.definition;
    await write(textPath(sha256Hex(definition.title)), definition.title);
    await write('tallies.json', `${JSON.stringify(tallies, null, 2)}\n`);
    if (existed) await rmdir(target);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    bar.stop();
  }
  return {
    discussionId,
    dir: target,
    checkpointSize: size,
    logSize: tallies.logSize,
    rootHash: Buffer.from(cp.rootHash, 'hex').toString('base64'),
    bundles: bundleCount,
    tiles: coords.length,
    bytes,
  };
}

export function registerExportCommand(program: Command): void {
  program
    .command('export <id> <dir>')
    .description("write a discussion's public record (signed checkpoint, tiles, entry bundles, tallies.json) as static files any web server can serve; check it with plenum verify DIR")
    .addOption(dbOption())
    .action((id: string, dir: string, opts: { db?: string }) =>
      withStore(opts, async (s) => {
        const r = await exportRecord(s.db, id, dir, { progress: progressBar });
        process.stdout.write(
          `exported ${id} to ${r.dir}: checkpoint size ${r.checkpointSize} (root ${r.rootHash}); ${r.checkpointSize.toLocaleString('en')} entries in ${r.bundles} bundles, ` +
            `${r.tiles} hash tiles, ${r.bytes.toLocaleString('en')} bytes; tallies.json accounts for ${r.logSize.toLocaleString('en')} entries\n`,
        );
      }),
    );
}
