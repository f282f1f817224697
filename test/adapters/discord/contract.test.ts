import { adapterContract } from "../../contract/adapter-contract.js";
import { makeHarness } from "./harness.js";

adapterContract("discord", makeHarness);
