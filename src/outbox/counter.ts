import type { Tx } from "../store/types.js";

/** Increments a named counter inside the caller's transaction and returns the new value (1 for a new counter). */
export async function nextCounterValue(tx: Tx, name: string): Promise<number> {
  let bumped = await tx.counter.updateMany({ where: { name }, data: { value: { increment: 1 } } });
  if (bumped.count === 0) {
    await tx.$executeRaw`INSERT INTO "Counter" ("name", "value") VALUES (${name}, 0) ON CONFLICT ("name") DO NOTHING`;
    bumped = await tx.counter.updateMany({ where: { name }, data: { value: { increment: 1 } } });
  }
  const row = await tx.counter.findUniqueOrThrow({ where: { name } });
  return row.value;
}
