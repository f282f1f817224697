// Preloaded (node --import) into a `liaison` process that a test runs as of another date: the process's clock starts
// at LIAISON_TEST_CLOCK_START (an ISO time) and runs on in real time from there, as on a machine whose date was set
// to it. Only the system clock moves; nothing else of the process changes.
const start = Date.parse(process.env.LIAISON_TEST_CLOCK_START ?? "");
if (Number.isNaN(start)) throw new Error(`LIAISON_TEST_CLOCK_START is not an ISO time: ${String(process.env.LIAISON_TEST_CLOCK_START)}`);
const RealDate = Date;
const offsetMs = start - RealDate.now();

/** Date, with "now" shifted by offsetMs; every other use of Date is the real one. */
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;
