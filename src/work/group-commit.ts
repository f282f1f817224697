// Group commit: requests that arrive while a commit is running wait for it and then go in together, as one batch
// (one transaction for the lot). A lone request goes at once; under load, batches grow with the arrival rate, so the
// per-transaction cost (BEGIN, COMMIT, the record append, the outbox insert) is shared by everything that arrived.
// Each submitter gets its own answer; a batch that fails answers each of its submitters with the failure.

/** Longest batch when nothing else is said. */
export const DEFAULT_MAX_BATCH = 64;

interface Waiting<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

/** Runs submitted inputs in batches, one batch at a time, in submission order. */
export class GroupCommit<In, Out> {
  readonly #queue: Waiting<In, Out>[] = [];
  #running = false;

  constructor(
    /** Runs one batch; answers one output per input, in the same order. */
    private readonly runBatch: (inputs: In[]) => Promise<Out[]>,
    /** The most inputs one batch takes. */
    private readonly maxBatch: number = DEFAULT_MAX_BATCH,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a whole number of at least 1, not ${maxBatch}`);
  }

  /** Inputs waiting for the running batch to end. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Adds an input to the next batch; resolves with its output once its batch has run. */
  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // After the current turn of the event loop, so that requests parsed in the same turn share the first batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        try {
          const outputs = await this.runBatch(batch.map((waiting) => waiting.input));
          if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${outputs.length} times`);
          batch.forEach((waiting, index) => waiting.resolve(outputs[index] as Out));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
