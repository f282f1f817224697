import type { Prisma } from "./generated/sqlite/client.ts";

/** A database handle inside a transaction (or the client itself): what writes take so they can share one transaction. */
export type Tx = Prisma.TransactionClient;
