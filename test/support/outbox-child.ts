// A Liaison delivery worker in a process of its own, for the lease tests: it opens the store named by
// LIAISON_TEST_STORE (JSON StoreTarget), claims what is due with the lease LIAISON_TEST_LEASE_MS, and its platform
// never finishes a send. It prints "sending <outbox id>" when a send starts, and then waits to be killed.
import { systemClock } from "../../src/core/clock.js";
import type { AdapterCapabilities, ChatAdapter, Platform } from "../../src/core/adapter.js";
import { silentLogger } from "../../src/log.js";
import { OutboxWorker } from "../../src/outbox/outbox.js";
import { openStore, type StoreTarget } from "../../src/store/db.js";

/** A console platform whose sends never return. */
class StuckAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly capabilities: AdapterCapabilities = { ephemeral: true, directMessages: true, userIdIsHandle: true };

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private stuck(key: string): Promise<never> {
    process.stdout.write(`sending ${key}\n`);
    return new Promise<never>(() => undefined);
  }

  send(...args: Parameters<ChatAdapter["send"]>): ReturnType<ChatAdapter["send"]> {
    return this.stuck(args[2].idempotencyKey);
  }

  openThread(...args: Parameters<ChatAdapter["openThread"]>): ReturnType<ChatAdapter["openThread"]> {
    return this.stuck(args[1].idempotencyKey);
  }

  sendDirect(...args: Parameters<ChatAdapter["sendDirect"]>): ReturnType<ChatAdapter["sendDirect"]> {
    return this.stuck(args[2].idempotencyKey);
  }
}

const target = JSON.parse(process.env.LIAISON_TEST_STORE ?? "null") as StoreTarget;
const store = await openStore(target);
const worker = new OutboxWorker(store.db, systemClock, silentLogger(), new Map<Platform, ChatAdapter>([["console", new StuckAdapter()]]), {
  maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 8000, leaseMs: Number(process.env.LIAISON_TEST_LEASE_MS ?? 5000), concurrency: 1,
});
process.stdout.write(`holder ${worker.holder}\n`);
void worker.runOnce();
setInterval(() => undefined, 60_000);
