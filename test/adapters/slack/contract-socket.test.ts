import { describe } from "vitest";
import { adapterContract } from "../../contract/adapter-contract.js";
import { makeSlackHarness } from "./harness.js";

describe("Socket Mode", () => {
  adapterContract("slack", (handler) => makeSlackHarness(handler, "socket"));
});
