/**
 * At most `size` pieces of work at a time; the others wait their turn, in order. In-process by
 * nature: it bounds this process's CPU and memory (inspections, previews), not a shared resource.
 */
export class Turns {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** How many wait for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether a new piece of work would have to wait. */
  get full(): boolean {
    return this.running >= this.size;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.full) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
