// The one HTTP listener (Fastify): GET /healthz, and the intake API when it is enabled. Plain HTTP on a local address;
// TLS is the reverse proxy's job. Nothing here starts unless `http.enabled` is set: `startHttpServer` is called by
// `liaison start` only then.
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { Store } from "../store/db.js";
import type { HttpSettings, IntakeSettings } from "../intake/settings.js";
import { registerIntakeApi } from "./intake-api.js";
import { registerReportPages } from "./report-page.js";

/** What the listener needs. */
export interface HttpServerDeps {
  store: Store;
  clock: Clock;
  keys: RecordKeys;
  http: HttpSettings;
  intake: IntakeSettings;
  logger?: Logger;
}

/** Builds the server with its routes, not listening yet (tests inject requests into it). */
export async function buildHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const server = Fastify({
    logger: false,
    trustProxy: deps.http.trustProxy,
    requestTimeout: deps.http.requestTimeoutMs,
    bodyLimit: deps.intake.api.maxBodyBytes,
    // No framework error pages: every answer is ours.
    return503OnClosing: true,
  });
  server.get("/healthz", async (_request, reply) => {
    try {
      await deps.store.db.$queryRaw`SELECT 1`;
      return reply.code(200).send({ status: "ok" });
    } catch {
      return reply.code(503).send({ status: "unavailable", detail: "the database does not answer" });
    }
  });
  if (deps.intake.api.enabled) await registerIntakeApi(server, deps);
  await registerReportPages(server, deps);
  server.setNotFoundHandler((_request, reply) => reply.code(404).type("application/problem+json").send({ type: "about:blank", title: "Not Found", status: 404 }));
  return server;
}

/** Starts listening; returns the server (close it to stop) and the address it listens on. */
export async function startHttpServer(deps: HttpServerDeps): Promise<{ server: FastifyInstance; address: string }> {
  const server = await buildHttpServer(deps);
  const address = await server.listen({ host: deps.http.host, port: deps.http.port });
  deps.logger?.info({ address }, "HTTP listener started");
  return { server, address };
}
