/**
 * Reuse of event-length scratch arrays. A fresh 38 MB Float64Array costs more than the loop that
 * fills it (zeroing and first-touch page faults), and a panel build makes dozens of them, so
 * temporaries are handed back here when consumed and reused for the next result of the same
 * length. Only arrays this pool made are ever reused; recycled arrays are NOT zeroed, so users of
 * `float64`/`int32` must write every element.
 */
export class ArrayPool {
  private readonly freeFloat = new Map<number, Float64Array[]>();
  private readonly freeInt = new Map<number, Int32Array[]>();
  private readonly owned = new WeakSet<object>();
  /** Scratch arrays made (not reused), for the build log. */
  made = 0;
  /** Arrays smaller than this are left to the garbage collector. */
  constructor(private readonly minLength = 65_536) {
    if (!(minLength >= 0)) this.minLength = 65_536;
  }

  float64(length: number): Float64Array {
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
    if (array instanceof Float64Array && this.owned.has(array)) {
      const list = this.freeFloat.get(array.length) ?? [];
      if (!list.includes(array)) list.push(array);
      this.freeFloat.set(array.length, list);
    } else if (array instanceof Int32Array && this.owned.has(array)) {
      const list = this.freeInt.get(array.length) ?? [];
      if (!list.includes(array)) list.push(array);
      this.freeInt.set(array.length, list);
    }
  }
}
