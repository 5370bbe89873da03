/**
 * Dot products of one int8 vector with many: the inner loop of the neighbour search among a
 * briefing's terms and of the clustering done when the word vectors are distilled.
 *
 * In JavaScript a 100-d int8 dot product costs ~100 ns (one multiply-add per component, each
 * bounds-checked); a WebAssembly SIMD loop does eight per instruction (`i32x4.dot_i16x8_s`) and
 * costs ~9 ns. The module is ~200 bytes, assembled below from named instructions; the same loop
 * in JavaScript stands in where a runtime lacks WebAssembly SIMD (Node has had it on by default
 * since 16.4). Both compute the same int32 sums exactly.
 */

/** Rows are padded to whole blocks of 8 components (one `v128.load8x8_s` each). */
const BLOCK = 8;

/** The kernel: `dots(query, rows, count, out, blocks)`, all byte addresses in the memory "env.memory". */
function kernelModule(): Uint8Array {
  // Value types, and the opcodes used (WebAssembly 2.0; the SIMD ones after the prefix 0xfd).
  const [i32, v128, none] = [0x7f, 0x7b, 0x40];
  const [block, loop, end, br, brIf] = [0x02, 0x03, 0x0b, 0x0c, 0x0d];
  const [get, set, tee] = [0x20, 0x21, 0x22];
  const [i32Store, i32Const, i32LtU, i32GeU, i32Add, i32Mul, i32Shl] = [
    0x36, 0x41, 0x49, 0x4f, 0x6a, 0x6c, 0x74,
  ];
  const simd = (...op: number[]) => [0xfd, ...op];
  const v128Load = simd(0x00);
  const v128Load8x8S = simd(0x01);
  const v128Const = simd(0x0c);
  const i32x4ExtractLane = simd(0x1b);
  const i32x4Add = simd(0xae, 0x01);
  const i32x4DotI16x8S = simd(0xba, 0x01);
  // Params 0–4, then locals 5–7.
  const [query, rows, count, out, blocks, last, k, sum] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code = [
    ...[2, 2, i32, 1, v128], // locals: 2 × i32 (last, k), 1 × v128 (sum)
    ...[get, rows, get, count, get, blocks, i32Mul, i32Const, 3, i32Shl, i32Add, set, last], // last = rows + count·blocks·8
    ...[block, none, loop, none], // one row per turn:
    ...[get, rows, get, last, i32GeU, brIf, 1], //   rows ≥ last: done
    ...[...v128Const, ...new Array<number>(16).fill(0), set, sum], //   sum = 0
    ...[i32Const, 0, set, k], //   k = 0
    ...[loop, none], //   8 components per turn:
    ...[get, sum], //     sum + dot(
    ...[get, rows, ...v128Load8x8S, 0, 0], //       rows[0…7] as int16,
    ...[get, query, get, k, i32Const, 4, i32Shl, i32Add, ...v128Load, 4, 0], //       query[8k…8k+7])
    ...[...i32x4DotI16x8S, ...i32x4Add, set, sum],
    ...[get, rows, i32Const, BLOCK, i32Add, set, rows], //     rows += 8
    ...[get, k, i32Const, 1, i32Add, tee, k, get, blocks, i32LtU, brIf, 0], //     ++k < blocks: again
    end,
    ...[get, out], //   *out = the sum of sum's four lanes
    ...[get, sum, ...i32x4ExtractLane, 0, get, sum, ...i32x4ExtractLane, 1, i32Add],
    ...[get, sum, ...i32x4ExtractLane, 2, i32Add, get, sum, ...i32x4ExtractLane, 3, i32Add],
    ...[i32Store, 2, 0],
    ...[get, out, i32Const, 4, i32Add, set, out], //   out += 4
    ...[br, 0, end, end], //   next row
    end,
  ];
  const name = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
  const section = (id: number, body: number[]) => [id, ...leb128(body.length), ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, 5, i32, i32, i32, i32, i32, 0]), // type 0: (i32 × 5) → ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]), // import a memory of ≥ 1 page
    ...section(3, [1, 0]), // function 0, of type 0
    ...section(7, [1, ...name('dots'), 0x00, 0]), // exported as "dots"
    ...section(10, [1, ...leb128(code.length), ...code]),
  ]);
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

type Dots = (query: number, rows: number, count: number, out: number, blocks: number) => void;

/** The little of the WebAssembly API used here (the project's TypeScript libraries declare none of it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled kernel, or null where the runtime has no WebAssembly SIMD. */
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      const bytes = kernelModule();
      compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The kernel over a memory of at least `bytes`; undefined without WebAssembly SIMD, or when no
 * memory can be had (each reserves address space: a process can hold some thousands at once).
 */
function instantiate(bytes: number): { buffer: ArrayBuffer; dots: Dots } | undefined {
  const module = simdModule();
  if (!module || !wasm) return undefined;
  try {
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const instance = new wasm.Instance(module, { env: { memory } });
    return { buffer: memory.buffer, dots: instance.exports.dots as Dots };
  } catch {
    return undefined;
  }
}

/** Options for {@link DotKernel}. */
export interface DotKernelOptions {
  /** Use WebAssembly SIMD when the runtime has it (default true); false runs the JavaScript loop. */
  simd?: boolean;
}

/**
 * A query vector and `capacity` rows of int8 components, in one WebAssembly memory; {@link dots}
 * writes the query's dot product with each row asked for into {@link out}.
 *
 * @example
 * const kernel = new DotKernel(100, terms.length);
 * terms.forEach((t, r) => kernel.setRow(r, components, t * 100));
 * kernel.setQuery(components, word * 100);
 * kernel.dots(0, terms.length); // kernel.out[r] = word · term r, in int8 units
 */
export class DotKernel {
  /** Components per row, padded to a multiple of 8. */
  readonly stride: number;
  /** Dot products, one per row: `out[r]` is set by `dots(from, to)` when from ≤ r < to. */
  readonly out: Int32Array;
  /** True when the WebAssembly SIMD loop runs, false for the JavaScript one. */
  readonly simd: boolean;
  private readonly rows: Int8Array;
  private readonly query: Int16Array;
  private readonly run: Dots;
  private readonly rowsAt: number;
  private readonly outAt: number;

  constructor(
    readonly dimensions: number,
    readonly capacity: number,
    options: DotKernelOptions = {},
  ) {
    this.stride = Math.ceil(dimensions / BLOCK) * BLOCK;
    // query (int16, 16-byte aligned) · rows (int8) · out (int32, 4-byte aligned)
    this.rowsAt = align(this.stride * 2, 16);
    this.outAt = align(this.rowsAt + capacity * this.stride, 16);
    const bytes = this.outAt + capacity * 4;
    const simd = options.simd === false ? undefined : instantiate(bytes);
    const buffer = simd?.buffer ?? new ArrayBuffer(bytes);
    this.query = new Int16Array(buffer, 0, this.stride);
    this.rows = new Int8Array(buffer, this.rowsAt, capacity * this.stride);
    this.out = new Int32Array(buffer, this.outAt, capacity);
    this.simd = simd !== undefined;
    this.run =
      simd?.dots ??
      ((_query, rows, count, out) =>
        this.dotsInJs((rows - this.rowsAt) / this.stride, count, (out - this.outAt) / 4));
  }

  /** Sets row `row` to the `dimensions` components at `source[at…]`. */
  setRow(row: number, source: Int8Array, at: number): void {
    this.rows.set(source.subarray(at, at + this.dimensions), row * this.stride);
  }

  /** Sets the query to the `dimensions` components at `source[at…]`. */
  setQuery(source: Int8Array, at: number): void {
    for (let k = 0; k < this.dimensions; k++) this.query[k] = source[at + k]!;
  }

  /** `out[r]` = query · row r (an exact int32 sum of products), for `from` ≤ r < `to`. */
  dots(from: number, to: number): void {
    if (to > from)
      this.run(0, this.rowsAt + from * this.stride, to - from, this.outAt + from * 4, this.stride / BLOCK);
  }

  private dotsInJs(from: number, count: number, outFrom: number): void {
    const { query, rows, out, stride } = this;
    for (let r = 0; r < count; r++) {
      let s0 = 0;
      let s1 = 0;
      for (let k = 0, j = (from + r) * stride; k < stride; k += 2, j += 2) {
        s0 += query[k]! * rows[j]!;
        s1 += query[k + 1]! * rows[j + 1]!;
      }
      out[outFrom + r] = s0 + s1;
    }
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
