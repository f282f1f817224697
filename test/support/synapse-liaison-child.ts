// A Liaison installation in a child process (for kill -9 tests): options as JSON in LIAISON_CHILD_OPTIONS; prints
// "ready" once started and stops cleanly on SIGTERM.
import { startLiaison, type LiaisonOptions } from "./synapse-liaison.js";

const options = JSON.parse(process.env.LIAISON_CHILD_OPTIONS ?? "{}") as LiaisonOptions;
const running = await startLiaison(options);
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void running.stop().then(() => process.exit(0));
});
