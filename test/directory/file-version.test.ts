// Directory files as people save them: a UTF-8 byte-order mark (Windows editors, Excel's "CSV UTF-8") is read as if it
// were not there; a version other than 1 is refused with what this Liaison reads, and nothing is written.
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { ManualClock } from "../../src/core/clock.js";
import { exportDirectory, formatFileProblem, importDirectory } from "../../src/directory/import.js";
import { demoDirectoryText, describeOnProviders, lazyStore, resetStore, TEST_START } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

const clock = new ManualClock(TEST_START);
const WHO = { actor: "operator", via: "test" };
const BOM = "\uFEFF";
const demo = parseYaml(demoDirectoryText()) as { organisations: unknown[] };

describeOnProviders("directory files: byte-order mark and version", (provider, test) => {
  const opened = lazyStore(provider);
  const fresh = async () => {
    const { store } = await opened.get();
    await resetStore(store);
    return store;
  };

  test("reads YAML, JSON and CSV that start with a byte-order mark, to the same directory as without one", async () => {
    const store = await fresh();
    const plain = await importDirectory(store.db, clock, TEST_KEYS, demoDirectoryText(), "yaml", WHO);
    expect(plain.ok).toBe(true);
    const yaml = await exportDirectory(store.db, "yaml");
    const csv = await exportDirectory(store.db, "csv");
    const json = await exportDirectory(store.db, "json");
    for (const [format, text] of [["yaml", yaml], ["json", json], ["csv", csv]] as const) {
      await resetStore(store);
      const result = await importDirectory(store.db, clock, TEST_KEYS, `${BOM}${text}`, format, WHO);
      expect(result.ok, result.ok ? format : result.problems.map(formatFileProblem).join("\n")).toBe(true);
      expect(await store.db.organisation.count(), format).toBe(demo.organisations.length);
      expect(await exportDirectory(store.db, "yaml"), format).toBe(yaml);
    }
  });

  const VERSIONS = [
    ["yaml", "version: 2\norganisations: []\n", "2"],
    ["yaml", `${BOM}version: "1.1"\norganisations: []\n`, '"1.1"'],
    ["json", JSON.stringify({ version: 2, organisations: demo.organisations }), "2"],
    ["json", `${BOM}${JSON.stringify({ version: 0, organisations: [] })}`, "0"],
  ] as const;
  for (const [index, [format, text, shown]] of VERSIONS.entries()) test(`refuses a ${format} file of another version, saying which it reads, and writes nothing (${index})`, async () => {
    const store = await fresh();
    const result = await importDirectory(store.db, clock, TEST_KEYS, text, format, WHO);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatFileProblem)).toEqual([
      `${format === "yaml" ? "line 1: " : ""}version: this file says version ${shown}, and this Liaison reads version 1 only: export the directory again with this Liaison, or write "version: 1"`,
    ]);
    expect(await store.db.organisation.count()).toBe(0);
  });

  test("accepts version 1, and a file without a version", async () => {
    const store = await fresh();
    const withVersion = await importDirectory(store.db, clock, TEST_KEYS, JSON.stringify({ version: 1, organisations: demo.organisations }), "json", WHO);
    expect(withVersion.ok).toBe(true);
    await resetStore(store);
    const without = await importDirectory(store.db, clock, TEST_KEYS, JSON.stringify({ organisations: demo.organisations }), "json", WHO);
    expect(without.ok).toBe(true);
  });
});
