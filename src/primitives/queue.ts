/**
 * `Queue`, `LifoQueue`, `PriorityQueue`: asyncio's queues.
 *
 * `put()` waits while the queue is full, `get()` while it is empty; each removal wakes the
 * oldest waiting putter and each insertion the oldest waiting getter, which then re-checks
 * (asyncio's loop). A getter cancelled after it was woken, before it ran, takes nothing and
 * wakes the next getter while items remain (a putter: the next putter while there is room). `taskDone()`/`join()` count unfinished items. `shutdown()` (Python 3.13)
 * makes puts fail, lets gets drain what is left, then fail; `shutdown(true)` also drops the
 * items.
 *
 * Invariants: `unfinished >= qsize()`; getters wait only while empty (or until they re-check).
 */
import { InvalidStateError, QueueEmpty, QueueFull, QueueShutDown, show } from '../scheduler/errors.js';
import { Heap } from '../scheduler/heap.js';
import { ParkingLot } from './parking-lot.js';
import { Resource, type PrimitiveOptions } from './resource.js';

function checkMaxsize(maxsize: unknown): number {
  if (typeof maxsize !== 'number' || !Number.isInteger(maxsize) || maxsize < 0) {
    throw new RangeError(`Expected \`maxsize\` to be an integer >= 0 (0 means unbounded), got ${show(maxsize)}`);
  }
  return maxsize;
}

/**
 * A FIFO queue (asyncio.Queue). `maxsize` 0 means unbounded.
 *
 * @example
 * ```ts
 * const jobs = new Queue<string>(10, { name: 'jobs' });
 * spawn(async () => { for (;;) { const job = await jobs.get(); await handle(job); jobs.taskDone(); } });
 * await jobs.put('resize.png');
 * await jobs.join(); // every job handled
 * ```
 */
export class Queue<T> extends Resource {
  readonly kind: string = 'Queue';
  /** Capacity; 0 means unbounded. */
  readonly maxsize: number;
  #items: T[] = [];
  #head = 0;
  #unfinished = 0;
  #shutdown = false;
  readonly #getters: ParkingLot = new ParkingLot(() => {
    if (this.#count() !== 0) this.#getters.unpark();
  });
  readonly #putters: ParkingLot = new ParkingLot(() => {
    if (!this.#isFull()) this.#putters.unpark();
  });
  readonly #joiners = new ParkingLot();

  /**
   * @param maxsize capacity, 0 for unbounded. @defaultValue 0
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0, options?: PrimitiveOptions) {
    super(options);
    this.maxsize = checkMaxsize(maxsize);
  }

  /** Number of items in the queue. */
  qsize(): number {
    this.observed();
    return this.#count();
  }

  /** True when the queue holds no item. */
  empty(): boolean {
    this.observed();
    return this.#count() === 0;
  }

  /** True when a bounded queue holds `maxsize` items. */
  full(): boolean {
    this.observed();
    return this.#isFull();
  }

  // The queue's own checks: part of its operations, not reads by the program.
  #count(): number {
    return this.#items.length - this.#head;
  }

  #isFull(): boolean {
    return this.maxsize > 0 && this.#count() >= this.maxsize;
  }

  /** Storage hooks, overridden by LifoQueue and PriorityQueue. */
  protected insert(items: T[], item: T): void {
    items.push(item);
  }

  protected take(items: T[], head: number): { item: T; head: number } {
    return { item: items[head] as T, head: head + 1 };
  }

  /**
   * Puts an item, waiting while the queue is full. Always a scheduling point.
   * @throws QueueShutDown if the queue is (or gets) shut down.
   */
  async put(item: T): Promise<void> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'put', this);
    while (this.#isFull()) {
      if (this.#shutdown) throw new QueueShutDown(`can't put into Queue '${this.label}': it is shut down`);
      await this.#putters.park(task, 'put', this);
    }
    this.putNowait(item);
  }

  /**
   * Puts an item without waiting.
   * @throws QueueFull if the queue is full.
   * @throws QueueShutDown if the queue is shut down.
   */
  putNowait(item: T): void {
    const task = this.enter();
    if (this.#shutdown) throw new QueueShutDown(`can't put into Queue '${this.label}': it is shut down`);
    if (this.#isFull()) throw new QueueFull(`can't put into Queue '${this.label}': it is full (maxsize ${this.maxsize})`);
    task.loop.note(task, 'put', this);
    this.insert(this.#items, item);
    this.#unfinished++;
    this.#getters.unpark();
  }

  /**
   * Removes and returns an item, waiting while the queue is empty. Always a scheduling point.
   * @throws QueueShutDown if the queue is shut down and empty.
   */
  async get(): Promise<T> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'get', this);
    while (this.#count() === 0) {
      if (this.#shutdown) throw new QueueShutDown(`can't get from Queue '${this.label}': it is shut down and empty`);
      await this.#getters.park(task, 'get', this);
    }
    return this.getNowait();
  }

  /**
   * Removes and returns an item without waiting.
   * @throws QueueEmpty if the queue is empty.
   * @throws QueueShutDown if the queue is shut down and empty.
   */
  getNowait(): T {
    const task = this.enter();
    if (this.#count() === 0) {
      if (this.#shutdown) throw new QueueShutDown(`can't get from Queue '${this.label}': it is shut down and empty`);
      throw new QueueEmpty(`can't get from Queue '${this.label}': it is empty`);
    }
    task.loop.note(task, 'get', this);
    const { item, head } = this.take(this.#items, this.#head);
    this.#head = head;
    if (this.#head > 32 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#putters.unpark();
    return item;
  }

  /**
   * Marks one item as processed (after a `get`).
   * @throws InvalidStateError if called more times than items were put.
   */
  taskDone(): void {
    const task = this.enter();
    if (this.#unfinished <= 0) {
      throw new InvalidStateError(`taskDone() called on Queue '${this.label}' more times than items were put: call it once per item taken with get()`);
    }
    task.loop.note(task, 'taskDone', this);
    this.#unfinished--;
    if (this.#unfinished === 0) this.#joiners.unparkAll();
  }

  /** Waits until every item put has been marked done. Always a scheduling point. */
  async join(): Promise<void> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'join', this);
    if (this.#unfinished > 0) await this.#joiners.park(task, 'join', this);
  }

  /**
   * Shuts the queue down: puts fail with QueueShutDown; gets drain the remaining items, then
   * fail. With `immediate`, the remaining items are dropped (and counted done) at once.
   */
  shutdown(immediate = false): void {
    const task = this.enter();
    task.loop.note(task, 'shutdown', this);
    this.#shutdown = true;
    if (immediate) {
      while (this.#count() !== 0) {
        const { head } = this.take(this.#items, this.#head);
        this.#head = head;
        if (this.#unfinished > 0) this.#unfinished--;
      }
      this.#items = [];
      this.#head = 0;
      if (this.#unfinished === 0) this.#joiners.unparkAll();
    }
    this.#getters.unparkAll();
    this.#putters.unparkAll();
  }

  protected idle(): boolean {
    return this.#count() === 0 && this.#unfinished === 0 && !this.#shutdown && this.#getters.size + this.#putters.size + this.#joiners.size === 0;
  }

  abandon(): void {
    this.#items = [];
    this.#head = 0;
    this.#unfinished = 0;
    this.#shutdown = false;
    this.#getters.clear();
    this.#putters.clear();
    this.#joiners.clear();
  }

  override toString(): string {
    const size = this.maxsize > 0 ? `${this.#count()}/${this.maxsize}` : `${this.#count()}`;
    return `<${this.kind} '${this.label}' size=${size} getters=${this.#getters.size} putters=${this.#putters.size}${this.#shutdown ? ' shutdown' : ''}>`;
  }
}

/**
 * A last-in first-out queue (asyncio.LifoQueue).
 *
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1); stack.putNowait(2);
 * console.log(stack.getNowait()); // 2
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  override readonly kind: string = 'LifoQueue';

  /** @throws RangeError if `maxsize` is not an integer >= 0. */
  constructor(maxsize = 0, options?: PrimitiveOptions) {
    super(maxsize, options);
  }

  protected override take(items: T[], head: number): { item: T; head: number } {
    return { item: items.pop() as T, head };
  }
}

/**
 * Orders PriorityQueue items: negative when `a` comes first.
 *
 * @example
 * ```ts
 * const byDeadline: Compare<{ due: number }> = (a, b) => a.due - b.due;
 * ```
 */
export type Compare<T> = (a: T, b: T) => number;

function defaultCompare(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * A priority queue (asyncio.PriorityQueue): `get` returns the smallest item by `compare`;
 * equal items come out in insertion order (stable).
 *
 * @example
 * ```ts
 * const q = new PriorityQueue<[number, string]>(0, (a, b) => a[0] - b[0]);
 * q.putNowait([2, 'low']); q.putNowait([1, 'high']);
 * console.log(q.getNowait()); // [1, 'high']
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  override readonly kind: string = 'PriorityQueue';
  #seq = 0;
  readonly #heap: Heap<{ item: T; seq: number }>;

  /**
   * @param compare ordering of items. @defaultValue `<` on the items
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0, compare?: Compare<T> | PrimitiveOptions, options?: PrimitiveOptions) {
    const cmp = typeof compare === 'function' ? (compare as Compare<T>) : undefined;
    super(maxsize, cmp === undefined && compare !== undefined ? (compare as PrimitiveOptions) : options);
    const order = cmp ?? (defaultCompare as Compare<T>);
    // Equal items leave in insertion order: ties are broken by sequence number.
    this.#heap = new Heap((a, b) => {
      const c = order(a.item, b.item);
      return c < 0 || (c === 0 && a.seq < b.seq);
    });
  }

  // The base class counts items in `items`; the order lives in the heap.
  protected override insert(items: T[], item: T): void {
    items.push(item);
    this.#heap.push({ item, seq: this.#seq++ });
  }

  protected override take(items: T[], head: number): { item: T; head: number } {
    items.pop();
    return { item: this.#heap.pop()!.item, head };
  }

  override abandon(): void {
    super.abandon();
    this.#heap.clear();
  }
}
