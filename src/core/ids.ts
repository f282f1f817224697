import { randomUUID } from "node:crypto";

/** A new random identifier for a stored row. */
export function newId(): string {
  return randomUUID();
}
