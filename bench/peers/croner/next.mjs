// node next.mjs SCHEDULE ZONE FROM COUNT
// Prints croner's next COUNT fire instants after FROM (exclusive), one per line, as
// toISOString() does (UTC): the peer of `jobctl next SCHEDULE --tz ZONE --from FROM --count COUNT`.
// Vixie-cron day matching (day of month OR day of week), as jobctl's.
import { Cron } from "croner";

const [schedule, timezone, from, count] = process.argv.slice(2);
const job = new Cron(schedule, { timezone, domAndDow: false, paused: true });
const lines = [];
let previous = new Date(from);
for (let i = 0; i < Number(count); ++i) {
  const next = job.nextRun(previous);
  if (!next) break;
  lines.push(next.toISOString());
  previous = next;
}
process.stdout.write(lines.join("\n") + "\n");
