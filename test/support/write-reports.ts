/** A second process writing reports into the same SQLite file (used by test/services/concurrency.test.ts). */
import { submitReport } from '../../src/services/reports.ts';
import { openStore } from '../../src/storage/db.ts';

const [file, parity, count] = process.argv.slice(2);
const store = openStore({ file: file! });
process.stdout.write('ready\n');
for (let b = 1 + Number(parity); b <= Number(count); b += 2) {
  await submitReport(store.db, {
    discussionId: 'd1',
    report: { unitId: `w${b}`, meetingDate: '2024-01-05', present: 6, votes: {}, resolution: 'r' },
    submittedBy: `process-${parity}`,
    now: '2024-01-05T12:00:00.000Z',
  });
}
await store.close();
