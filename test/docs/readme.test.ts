import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commandCatalog } from "../../src/commands/catalog.js";
import { withCommandReference } from "../../src/commands/reference.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has the command reference generated from the declarations (run `npm run docs` after changing a command)", () => {
    expect(readme).toBe(withCommandReference(readme, commandCatalog));
  });

  it("names the two set-up commands and every top-level command", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
    for (const command of commandCatalog) expect(readme).toContain(`/${command.group}`);
  });

  it("documents every configuration section and secret", async () => {
    const { configSchema, secretsSchema } = await import("../../src/config/schema.js");
    for (const key of Object.keys(configSchema.shape)) expect(readme, `config section ${key}`).toContain(`${key}:`);
    for (const key of Object.keys(secretsSchema.shape)) expect(readme, `secret ${key}`).toContain(key);
  });
});
