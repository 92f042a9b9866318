// The load generator, in a process of its own (its work does not count in the service's CPU or
// memory): runs autocannon with the JSON options given as the only argument, prints a summary.
import process from "node:process";
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2]);
const result = await autocannon({ ...options, excludeErrorStats: false });
process.stdout.write(
  `${JSON.stringify({
    perSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
  })}\n`,
);
