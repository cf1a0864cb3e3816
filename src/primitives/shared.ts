/**
 * `Shared`: an instrumented variable. Reads and writes are not scheduling points; they are
 * recorded in the trace, attributed to the step that made them, so reports can point at the
 * variable and the explorer knows which steps conflict.
 *
 * When a controlled run starts using a `Shared`, it starts from its initial value: a value left
 * by an earlier schedule never leaks into the next one.
 */
import { Resource, type PrimitiveOptions } from './resource.js';

/**
 * A variable shared between tasks whose accesses the explorer records.
 *
 * @example
 * ```ts
 * const balance = new Shared(100, { name: 'balance' });
 * const v = balance.get();
 * await yieldNow();
 * balance.set(v - 30); // a lost update if another task wrote in between
 * ```
 */
export class Shared<T> extends Resource {
  readonly kind = 'Shared';
  #value: T;
  readonly #initial: T;

  /** @param initial the value at the start of every run. */
  constructor(initial: T, options?: PrimitiveOptions) {
    super(options);
    this.#value = initial;
    this.#initial = initial;
  }

  /** Reads the value (recorded as a read). */
  get(): T {
    const task = this.enter();
    task.loop.note(task, 'read', this);
    return this.#value;
  }

  /** Writes the value (recorded as a write). */
  set(value: T): void {
    const task = this.enter();
    task.loop.note(task, 'write', this);
    this.#value = value;
  }

  /** Replaces the value with `fn(value)` atomically (one recorded update); returns the new value. */
  update(fn: (value: T) => T): T {
    const task = this.enter();
    task.loop.note(task, 'update', this);
    this.#value = fn(this.#value);
    return this.#value;
  }

  protected idle(): boolean {
    return true;
  }

  protected override rebound(): void {
    this.#value = this.#initial;
  }

  abandon(): void {
    this.#value = this.#initial;
  }

  override toString(): string {
    return `<Shared '${this.label}'>`;
  }
}
