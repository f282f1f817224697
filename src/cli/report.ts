import type { Store } from "../store/db.js";

/** `liaison report`: transparency figures (written in the cases work; see src/cases/report.ts). */
export async function runReport(_store: Store, _argv: string[], _out: (text: string) => void, err: (text: string) => void): Promise<number> {
  err("liaison report is not available yet.");
  return 2;
}
