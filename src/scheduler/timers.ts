/**
 * Virtual timers in a total order `(deadline, sequence)`: equal deadlines fire in creation
 * order, so time never introduces a tie the strategy did not choose.
 *
 * A binary heap: O(log n) insert and pop; cancellation is lazy (a cancelled timer stays in the
 * heap until it reaches the top), so cancel is O(1).
 */
import type { TimerHandle } from './context.js';
import { Heap } from './heap.js';

export class Timer implements TimerHandle {
  cancelled = false;
  /** A live background timer left when the program returns is a leak (a ref'd setInterval). */
  leaks = false;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly fire: () => void,
    /** A background timer (an interval, an unref'd timer) does not keep a finished program's run going. */
    public daemon = false,
  ) {}
  cancel(): void {
    this.cancelled = true;
  }
  /** A sleeping task was cancelled: its timer no longer fires. */
  remove(): void {
    this.cancelled = true;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

export class TimerHeap {
  readonly #heap = new Heap<Timer>(before);
  #seq = 0;

  get size(): number {
    return this.#heap.size;
  }

  add(deadline: number, fire: () => void, daemon = false): Timer {
    const timer = new Timer(deadline, this.#seq++, fire, daemon);
    this.#heap.push(timer);
    return timer;
  }

  /** The earliest live timer, dropping cancelled ones on the way. */
  peek(): Timer | undefined {
    let top = this.#heap.peek();
    while (top !== undefined && top.cancelled) {
      this.#heap.pop();
      top = this.#heap.peek();
    }
    return top;
  }

  /** True when every live timer is a background one. */
  onlyDaemons(): boolean {
    return this.#heap.every((t) => t.cancelled || t.daemon);
  }

  /** True when a live background timer is left that reports itself as a leak (a ref'd interval). */
  liveDaemons(): boolean {
    return !this.#heap.every((t) => t.cancelled || !t.leaks);
  }

  pop(): Timer | undefined {
    return this.#heap.pop();
  }
}
