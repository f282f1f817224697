// A real Synapse for the end-to-end Matrix tests: Debian sid's matrix-synapse in a minbase chroot built by
// scripts/synapse-chroot.sh ($LIAISON_SYNAPSE_ROOT, default ~/.cache/liaison/synapse-sid). Each startSynapse() runs
// its own homeserver on a free loopback port with a config Synapse generates (SQLite, default rate limits,
// registration by shared secret only) and removes it on stop(). Where the chroot is missing or cannot be entered, the
// tests are skipped with the reason printed; with LIAISON_SYNAPSE_REQUIRED=1 (.ci/run after building it) they fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";

/** The chroot holding matrix-synapse. */
export function synapseRoot(): string {
  return process.env.LIAISON_SYNAPSE_ROOT?.trim() || join(homedir(), ".cache", "liaison", "synapse-sid");
}

/** Why a real Synapse cannot run here, or undefined when it can (checked once per test file). */
export const synapseUnavailable: string | undefined = probe();

function probe(): string | undefined {
  if (process.env.LIAISON_SYNAPSE === "off") return "disabled by LIAISON_SYNAPSE=off";
  const root = synapseRoot();
  if (!existsSync(join(root, ".liaison-synapse-ready"))) return `no Synapse chroot at ${root} (build it with scripts/synapse-chroot.sh, as root)`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "entering the Synapse chroot needs root";
  return undefined;
}

/** The Synapse version in the chroot ("1.x.y"), or "" when unknown. */
export function synapseVersion(): string {
  try {
    return readFileSync(join(synapseRoot(), ".liaison-synapse-version"), "utf8").trim();
  } catch {
    return "";
  }
}

/** A describe block that runs against a real Synapse, or is skipped saying why (fails when it is required). */
export function describeOnSynapse(name: string, body: () => void): void {
  if (synapseUnavailable !== undefined && process.env.LIAISON_SYNAPSE_REQUIRED === "1") {
    describe(name, () => {
      it("needs a real Synapse", () => {
        throw new Error(`a real Synapse is required (LIAISON_SYNAPSE_REQUIRED=1) but cannot run: ${synapseUnavailable}`);
      });
    });
    return;
  }
  if (synapseUnavailable !== undefined) console.warn(`SKIPPED against a real Synapse: "${name}": ${synapseUnavailable}`);
  const title = synapseUnavailable === undefined ? `${name} (Synapse ${synapseVersion()})` : `${name} (skipped: ${synapseUnavailable})`;
  describe.skipIf(synapseUnavailable !== undefined)(title, body);
}

/** A running Synapse. */
export interface Synapse {
  /** Client-server API base URL (http://127.0.0.1:<port>). */
  baseUrl: string;
  serverName: string;
  /** Registers a user by shared secret; resolves to its access token. */
  register(localpart: string, options?: { displayName?: string; admin?: boolean; password?: string }): Promise<string>;
  /** Lifts one user's rate limits (people typing fast in tests; never the bot). */
  unlimit(userId: string): Promise<void>;
  /** Kills and removes the homeserver. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a fresh Synapse named `serverName`; throws when it does not answer within `startTimeoutMs`. */
export async function startSynapse(serverName: string, options: { startTimeoutMs?: number; extraConfig?: string } = {}): Promise<Synapse> {
  if (synapseUnavailable) throw new Error(`Synapse cannot run: ${synapseUnavailable}`);
  const root = synapseRoot();
  const inside = `/var/lib/liaison-test/${randomBytes(6).toString("hex")}`;
  const outside = join(root, inside);
  mkdirSync(outside, { recursive: true });
  const generated = spawnSync(
    "chroot",
    [root, "/usr/bin/python3", "-m", "synapse.app.homeserver", "--generate-config", "--server-name", serverName, "--report-stats=no",
      "--config-path", `${inside}/homeserver.yaml`, "--data-directory", inside, "--config-directory", inside],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (generated.status !== 0) throw new Error(`Synapse --generate-config failed: ${generated.stderr || generated.stdout}`);
  const yaml = readFileSync(join(outside, "homeserver.yaml"), "utf8");
  const secret = /^registration_shared_secret:\s*"?([^"\n]+)"?/m.exec(yaml)?.[1];
  if (!secret) throw new Error("the generated homeserver.yaml has no registration_shared_secret");
  const port = await freePort();
  // Only what the tests need changes; rate limits stay Synapse's defaults (rc_message: 0.2/s, burst 10).
  writeFileSync(
    join(outside, "liaison-test.yaml"),
    [
      "listeners:",
      `  - port: ${port}`,
      "    bind_addresses: ['127.0.0.1']",
      "    type: http",
      "    tls: false",
      "    x_forwarded: false",
      "    resources:",
      "      - names: [client]",
      "        compress: false",
      "trusted_key_servers: []",
      "suppress_key_server_warning: true",
      "enable_registration: false",
      "presence:",
      "  enabled: false",
      "url_preview_enabled: false",
      options.extraConfig ?? "",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    "chroot",
    [root, "/usr/bin/python3", "-m", "synapse.app.homeserver", "-c", `${inside}/homeserver.yaml`, "-c", `${inside}/liaison-test.yaml`],
    { stdio: ["ignore", "ignore", "pipe"], detached: false },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  let exited = false;
  child.once("exit", () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`Synapse exited while starting: ${stderr}`);
    try {
      const answer = await fetch(`${baseUrl}/_matrix/client/versions`);
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Synapse did not answer within the start timeout: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let adminToken: string | undefined;
  const register: Synapse["register"] = async (localpart, registerOptions = {}) => {
    const nonceAnswer = (await (await fetch(`${baseUrl}/_synapse/admin/v1/register`)).json()) as { nonce: string };
    const password = registerOptions.password ?? randomBytes(12).toString("hex");
    const admin = registerOptions.admin ?? false;
    const mac = createHmac("sha1", secret)
      .update(`${nonceAnswer.nonce}\0${localpart}\0${password}\0${admin ? "admin" : "notadmin"}`)
      .digest("hex");
    const answer = await fetch(`${baseUrl}/_synapse/admin/v1/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nonce: nonceAnswer.nonce, username: localpart, password, admin, mac, displayname: registerOptions.displayName ?? localpart }),
    });
    const body = (await answer.json()) as { access_token?: string; error?: string };
    if (!answer.ok || !body.access_token) throw new Error(`registering ${localpart} failed: ${answer.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  return {
    baseUrl,
    serverName,
    register,
    async unlimit(userId) {
      adminToken ??= await register(`admin${randomBytes(3).toString("hex")}`, { admin: true });
      const answer = await fetch(`${baseUrl}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ messages_per_second: 0, burst_count: 0 }),
      });
      if (!answer.ok) throw new Error(`lifting the rate limit of ${userId} failed: ${answer.status} ${await answer.text()}`);
    },
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(outside, { recursive: true, force: true });
    },
  };
}
