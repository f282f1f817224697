// The TLP a unit of work already knows of its cases (src/audit/sealed.ts KnownCaseTlps): it answers only when it
// knows every case asked about, so that an unknown one is always looked up and never taken for not RED.
import { describe, expect, test } from "vitest";
import { KnownCaseTlps } from "../../src/audit/sealed.js";

describe("KnownCaseTlps", () => {
  test("answers only for cases it knows, by id and by reference; RED cases once each", () => {
    const known = new KnownCaseTlps();
    expect(known.redAmong([], [])).toEqual([]);
    expect(known.redAmong(["c1"], [])).toBeUndefined();
    known.note("c1", "N-2026-0001", "AMBER");
    known.note("c2", "N-2026-0002", "RED");
    expect(known.redAmong(["c1"], [])).toEqual([]);
    expect(known.redAmong(["c1", "c2"], ["N-2026-0002"])).toEqual([{ id: "c2", reference: "N-2026-0002" }]);
    // One unknown id or reference among known ones: no answer (the caller asks the database).
    expect(known.redAmong(["c1", "c3"], [])).toBeUndefined();
    expect(known.redAmong(["c2"], ["N-2026-0003"])).toBeUndefined();
    // References are as the record gives them (upper case); another spelling is not known.
    expect(known.redAmong([], ["n-2026-0002"])).toBeUndefined();
    // "RED" only, exactly: a look-alike label is not RED here (nor anywhere in the store).
    known.note("c4", "N-2026-0004", "red");
    expect(known.redAmong(["c4"], [])).toEqual([]);
  });
});
