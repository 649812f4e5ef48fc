// node compare.mjs JOBCTL_OUTPUT CRONER_OUTPUT
// Reads both lists of instants (jobctl: ISO 8601 with the zone's offset; croner: UTC, years past
// 9999 as +YYYYYY) and prints "identical N" or the first difference, as instants and as text.
import { readFileSync } from "node:fs";

function instant(text) {
  const m = /^([+-]?\d{4,6})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|([+-])(\d\d):(\d\d))$/.exec(text);
  if (!m) throw new Error(`not an ISO 8601 instant: ${text}`);
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = m[7] === "Z" ? 0 : (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60000;
  return utc - offset;
}
const read = (file) => readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0);
const ours = read(process.argv[2]);
const theirs = read(process.argv[3]);
const n = Math.min(ours.length, theirs.length);
for (let i = 0; i < n; ++i) {
  if (instant(ours[i]) !== instant(theirs[i])) {
    console.log(`differ at ${i + 1}: jobctl ${ours[i]}  croner ${theirs[i]}`);
    process.exit(1);
  }
}
if (ours.length !== theirs.length) {
  console.log(`differ in length: jobctl ${ours.length}, croner ${theirs.length}`);
  process.exit(1);
}
console.log(`identical ${n}`);
