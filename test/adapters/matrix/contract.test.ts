import { adapterContract } from "../../contract/adapter-contract.js";
import { makeMatrixHarness } from "./harness.js";

adapterContract("matrix", (handler) => makeMatrixHarness(handler));
