/**
 * Virtual timers in a total order `(deadline, sequence)`: equal deadlines fire in creation
 * order, so time never introduces a tie the strategy did not choose.
 *
 * A binary min-heap: O(log n) insert and pop; cancellation is lazy (a cancelled timer stays in
 * the heap until it reaches the top), so cancel is O(1).
 */
import type { TimerHandle } from './context.js';

export class Timer implements TimerHandle {
  cancelled = false;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly fire: () => void,
    /** A background timer (an interval) does not keep a finished program's run going. */
    readonly daemon = false,
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
  readonly #heap: Timer[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  add(deadline: number, fire: () => void, daemon = false): Timer {
    const timer = new Timer(deadline, this.#seq++, fire, daemon);
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
    return timer;
  }

  /** The earliest live timer, dropping cancelled ones on the way. */
  peek(): Timer | undefined {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.pop();
    return this.#heap[0];
  }

  /** True when every live timer is a background one. */
  onlyDaemons(): boolean {
    return this.#heap.every((t) => t.cancelled || t.daemon);
  }

  pop(): Timer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}
