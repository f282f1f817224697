import { adapterContract } from "../../contract/adapter-contract.js";
import { makeSlackHarness } from "./harness.js";

adapterContract("slack", (handler) => makeSlackHarness(handler, "http"));
