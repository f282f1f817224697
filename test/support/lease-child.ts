// A Liaison process that takes the scheduler's sweep lease and the record sealer's lease, as one does at the start of
// a run, and then hangs, for the job-lease tests. It opens the store named by LIAISON_TEST_STORE (JSON StoreTarget),
// takes the leases for LIAISON_TEST_LEASE_MS on the real clock, prints "holder <holder>" and "held", and waits to be
// killed.
import { SEALER_LEASE } from "../../src/audit/sealer.js";
import { systemClock } from "../../src/core/clock.js";
import { openStore, type StoreTarget } from "../../src/store/db.js";
import { acquireLease, newLeaseHolder } from "../../src/store/lease.js";

const target = JSON.parse(process.env.LIAISON_TEST_STORE ?? "null") as StoreTarget;
const store = await openStore(target);
const holder = newLeaseHolder();
const leaseMs = Number(process.env.LIAISON_TEST_LEASE_MS ?? 600_000);
process.stdout.write(`holder ${holder}\n`);
for (const name of ["job:sweep", SEALER_LEASE]) {
  const taken = await acquireLease(store.db, systemClock, name, holder, leaseMs);
  if (!taken.acquired) throw new Error(`${name} is held by ${taken.taken.holder}`);
}
process.stdout.write("held\n");
setInterval(() => undefined, 60_000);
