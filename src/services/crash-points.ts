/**
 * Fault injection for the crash-safety tests (test/cli/crash.test.ts): when PLENUM_TEST_CRASH_AT names a point, the
 * process kills itself with SIGKILL on reaching it — no cleanup, no flush, exactly as a power cut or an OOM kill
 * would leave things. Unset (always, outside those tests) it costs one property read.
 */
export type CrashPoint =
  /** A report's row and its log entry are written, the transaction not yet committed. */
  | 'report:before-commit'
  /** The publisher has read new entries and is about to sign a checkpoint. */
  | 'log:before-checkpoint'
  /** A checkpoint is signed and stored; the cosignatures not yet asked for. */
  | 'log:after-checkpoint';

export function crashPoint(point: CrashPoint): void {
  if (process.env.PLENUM_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
