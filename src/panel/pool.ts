/**
 * Reuse of event-length scratch arrays. A fresh 38 MB Float64Array costs more than the loop that
 * fills it (zeroing and first-touch page faults), and a panel build makes dozens of them, so
 * temporaries are handed back here when consumed and reused for the next result of the same
 * length. Only arrays this pool made are ever reused; recycled arrays are NOT zeroed, so users of
 * `float64`/`int32` must write every element.
 *
 * With a `capacity` (chunked builds: every chunk of events has a different length), arrays of
 * length minLength..capacity are views onto capacity-long backing arrays, and a released view
 * hands its backing array on to the next request of any such length.
 */
export class ArrayPool {
  private readonly freeFloat = new Map<number, Float64Array[]>();
  private readonly freeInt = new Map<number, Int32Array[]>();
  private readonly owned = new WeakSet<object>();
  private readonly backingOf = new WeakMap<object, Float64Array | Int32Array>();
  private readonly freeFloatBacking: Float64Array[] = [];
  private readonly freeIntBacking: Int32Array[] = [];
  /** Scratch arrays made (not reused), for the build log. */
  made = 0;
  /** Arrays smaller than this are left to the garbage collector. */
  constructor(
    private readonly minLength = 65_536,
    private readonly capacity = 0,
  ) {
    if (!(minLength >= 0)) this.minLength = 65_536;
  }

  private backed(length: number): boolean {
    return this.capacity > 0 && length >= this.minLength && length <= this.capacity;
  }

  float64(length: number): Float64Array {
    if (this.backed(length)) {
      let backing = this.freeFloatBacking.pop();
      if (!backing) {
        backing = new Float64Array(this.capacity);
        this.made++;
      }
      const view = backing.subarray(0, length);
      this.owned.add(view);
      this.backingOf.set(view, backing);
      return view;
    }
    const reused = this.freeFloat.get(length)?.pop();
    if (reused) return reused;
    const fresh = new Float64Array(length);
    if (length >= this.minLength) {
      this.owned.add(fresh);
      this.made++;
    }
    return fresh;
  }

  int32(length: number): Int32Array {
    if (this.backed(length)) {
      let backing = this.freeIntBacking.pop();
      if (!backing) {
        backing = new Int32Array(this.capacity);
        this.made++;
      }
      const view = backing.subarray(0, length);
      this.owned.add(view);
      this.backingOf.set(view, backing);
      return view;
    }
    const reused = this.freeInt.get(length)?.pop();
    if (reused) return reused;
    const fresh = new Int32Array(length);
    if (length >= this.minLength) {
      this.owned.add(fresh);
      this.made++;
    }
    return fresh;
  }

  /** Hands an array back; anything the pool did not make (raw columns, cached joins) is ignored. */
  release(array: unknown): void {
    if (!(array instanceof Float64Array || array instanceof Int32Array) || !this.owned.has(array)) return;
    const backing = this.backingOf.get(array);
    if (backing) {
      // A view is handed back once: forget it so a second release cannot free the backing twice.
      this.owned.delete(array);
      this.backingOf.delete(array);
      if (backing instanceof Float64Array) this.freeFloatBacking.push(backing);
      else this.freeIntBacking.push(backing);
    } else if (array instanceof Float64Array) {
      const list = this.freeFloat.get(array.length) ?? [];
      if (!list.includes(array)) list.push(array);
      this.freeFloat.set(array.length, list);
    } else {
      const list = this.freeInt.get(array.length) ?? [];
      if (!list.includes(array)) list.push(array);
      this.freeInt.set(array.length, list);
    }
  }
}
