// The record key of the tests: fixed, so that a record written by one test core verifies in another.
import { RecordKeys } from "../../src/audit/keys.js";

/** The record key (base64) the tests' cores and CLI runs use. */
export const TEST_RECORD_KEY = Buffer.alloc(32, 7).toString("base64");

/** The record's keys derived from TEST_RECORD_KEY. */
export const TEST_KEYS = RecordKeys.derive(Buffer.from(TEST_RECORD_KEY, "base64"));
