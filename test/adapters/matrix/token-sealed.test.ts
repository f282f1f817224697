// Matrix password login with LIAISON_SECRET_KEY: the access token Liaison saves is sealed in the database (the raw
// row holds no token), and the next start logs in with it, read back, without the password.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { MatrixAdapter } from "../../../adapters/matrix/index.js";
import { stateSecretsFor } from "../../../src/app/secrets-at-rest.js";
import { systemClock } from "../../../src/core/clock.js";
import { adapterStateStore } from "../../../src/store/adapter-state.js";
import { isSealed, parseSecretKey } from "../../../src/store/secret-box.js";
import { RecordingHandler } from "../../contract/harness.js";
import { openTestStore, type TestStore } from "../../support/core.js";
import { BOT, makeAdapter, startWorld, type MatrixWorld } from "./harness.js";

describe("the saved Matrix access token, sealed", () => {
  let world: MatrixWorld | undefined;
  let adapter: MatrixAdapter | undefined;
  let database: TestStore | undefined;
  afterEach(async () => {
    await adapter?.stop();
    await world?.fake.close();
    await database?.dispose();
    adapter = undefined;
    world = undefined;
    database = undefined;
  });

  it("is sealed in the database, and opened at the next start", async () => {
    world = await startWorld();
    database = await openTestStore("sqlite");
    const state = adapterStateStore(database.store.db, systemClock, "matrix", stateSecretsFor("matrix", parseSecretKey(randomBytes(32).toString("hex"))));
    adapter = makeAdapter(world, { state, config: { userId: BOT }, secrets: { MATRIX_PASSWORD: "bot-password" } });
    await adapter.start(new RecordingHandler().handle);
    expect(world.fake.requestsTo("POST", "/login")).toHaveLength(1);
    const raw = await database.store.db.adapterState.findUniqueOrThrow({ where: { namespace_key: { namespace: "matrix", key: "auth.accessToken" } } });
    expect(isSealed(raw.value)).toBe(true);
    expect(raw.value).not.toMatch(/syt_/);
    await adapter.stop();
    adapter = makeAdapter(world, { state, config: { userId: BOT }, secrets: {} });
    await adapter.start(new RecordingHandler().handle);
    expect(world.fake.requestsTo("POST", "/login")).toHaveLength(1);
  });
});
