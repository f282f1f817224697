/** Inbound work in flight: tracked per sync batch (the token is saved after a batch's work) and as a whole (stop). */
export class PendingWork {
  private readonly all = new Set<Promise<void>>();
  private batch: Promise<void>[] = [];

  /** Tracks a piece of work; its failure is the work's own business (it must log it). */
  track(work: Promise<void>): void {
    const settled = work.catch(() => undefined);
    this.all.add(settled);
    this.batch.push(settled);
    void settled.then(() => this.all.delete(settled));
  }

  /** Resolves when the work tracked since the previous call has finished. */
  takeBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    return Promise.all(batch).then(() => undefined);
  }

  /** Resolves when all work, including work started meanwhile, has finished. */
  async drain(): Promise<void> {
    while (this.all.size > 0) await Promise.all([...this.all]);
  }
}
