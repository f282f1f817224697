// A real IMAP server for tests: Dovecot from the Debian packages (dovecot-imapd), started as a private instance on a
// free port of 127.0.0.1, with a temporary maildir and a static password. Without Dovecot installed the tests that
// need it are skipped, saying why.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** The Dovecot binary. */
export const DOVECOT_BINARY = "/usr/sbin/dovecot";

/** Why Dovecot cannot be used here, or undefined when it can. */
export const dovecotUnavailable: string | undefined = existsSync(DOVECOT_BINARY) ? undefined : `${DOVECOT_BINARY} is not installed (apt-get install dovecot-imapd; .ci/run installs it when running as root)`;

/** The password every user of the test server has. */
export const DOVECOT_PASSWORD = "test-secret";

/** A running test server. */
export interface DovecotServer {
  port: number;
  stop(): void;
  /** The server's log, to explain a failure. */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** True once something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function idOf(flag: "-u" | "-g", name: string): number {
  return Number(spawnSync("id", [flag, name], { encoding: "utf8" }).stdout.trim());
}

/** Starts a private Dovecot and waits until it listens. */
export async function startDovecot(): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), "liaison-dovecot-"));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // As root, Dovecot's login and mail processes must run as other users (the package creates dovecot and dovenull).
  const me = userInfo();
  const internalUser = root ? "dovecot" : me.username;
  const internalGroup = root ? "dovecot" : spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();
  const loginUser = root ? "dovenull" : me.username;
  const mailUid = root ? idOf("-u", "dovecot") : me.uid;
  const mailGid = root ? idOf("-g", "dovecot") : me.gid;
  writeFileSync(
    join(dir, "dovecot.conf"),
    `base_dir = ${dir}/run
state_dir = ${dir}/run
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/dovecot.log
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
default_login_user = ${loginUser}
passdb {
  driver = static
  args = password=${DOVECOT_PASSWORD}
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  spawnSync("mkdir", ["-p", join(dir, "mail"), join(dir, "run")]);
  if (root) {
    // mkdtemp makes the directory 0700: the mail processes (user dovecot) must be able to pass through it.
    chmodSync(dir, 0o711);
    chownSync(join(dir, "mail"), mailUid, mailGid);
  }
  const log = () => (existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : "");
  // In the foreground (-F), as a child of this process: started with spawnSync, the daemon it forks keeps the pipes
  // open and spawnSync never returns.
  const child = spawn(DOVECOT_BINARY, ["-F", "-c", join(dir, "dovecot.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dovecot did not start: ${stderr}${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stop = () => {
    child.kill("SIGTERM");
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 500).unref();
  };
  return { port, stop, log };
}
