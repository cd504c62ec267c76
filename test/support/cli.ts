/** The `plenum` command as a user runs it: a real process on a SQLite file (DATABASE_URL unset for it). */
import { spawnSync } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner of `plenum …` on the SQLite file `db`. */
export function plenumOn(db: string): (...args: string[]) => CliRun {
  return (...args) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PLENUM_DB: db };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, ['bin/plenum.js', ...args], { encoding: 'utf8', env });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
}
