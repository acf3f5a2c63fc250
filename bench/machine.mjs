// The machine note `npm run bench` starts with: every figure after it is a ratio to a peer run in
// the same script on this machine, and this says which machine, how loaded, when.
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

const gib = (b) => (b / 2 ** 30).toFixed(1);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${gib(totalmem())} GiB (${gib(freemem())} free), Linux ${release()}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${new Date().toISOString()}`,
);
