/** A counting semaphore: at most `limit` tasks inside `use` at once. */
export class Semaphore {
  private active = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      // hand the slot straight to the next waiter, so the count never exceeds the limit
      if (next) next();
      else this.active--;
    }
  }
}
