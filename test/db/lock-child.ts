// A process starting over DATA_DIR, for test/db/lock.test.ts. For each line `lock <dir>` on stdin it takes the
// lock on dir and says what happened; it holds what it took, never releasing, until its stdin closes.
import { createInterface } from 'node:readline';
import { DataDirLockedError, lockDataDir } from '../../src/db/lock';

process.stdout.write('ready\n');
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const dir = line.slice('lock '.length);
    try {
      lockDataDir(dir);
      process.stdout.write(`${dir}\tacquired\t${process.pid}\n`);
    } catch (e) {
      process.stdout.write(`${dir}\t${e instanceof DataDirLockedError ? 'locked' : 'error'}\t${(e as Error).message}\n`);
    }
  })
  .on('close', () => process.exit(0));
