// Runs the relaxed build's u8s8 GEMM under whatever tier the parent chose (the u8s8 test passes
// --liftoff-only) against a naive reference, and prints {cases, failures} as JSON. Plain .mjs so
// the child needs no TypeScript loader. Usage: node --experimental-wasm-relaxed-simd
// --liftoff-only liftoff-child.mjs path/to/macflow-relaxed.wasm
import { readFileSync } from 'node:fs';

const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[2])), {}).exports;
let top = (x.heapBase() + 63) & ~63;
function alloc(bytes) {
  const p = top;
  top = (top + bytes + 63) & ~63;
  const need = top - x.memory.buffer.byteLength;
  if (need > 0) x.memory.grow(Math.ceil(need / 65536));
  return p;
}

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
const failures = [];
let cases = 0;
const shapes = [[3, 12, 4], [3, 12, 64], [7, 25, 129], [1, 1, 1], [13, 13, 1000], [4, 24, 17], [6, 12, 2051], [2, 5, 33]];
for (const [M, N, K] of shapes) {
  for (const kind of ['le127', 'le127ext', 'mixed']) {
    for (const ldc of [N, N + 3]) {
      cases++;
      const a = new Uint8Array(M * K);
      const bt = new Int8Array(N * K);
      for (let i = 0; i < a.length; i++) {
        a[i] = kind === 'le127ext' ? (rnd() & 1 ? 127 : 0) : kind === 'mixed' && Math.floor(i / K) % 3 === 1 ? rnd() & 255 : rnd() & 127;
      }
      for (let i = 0; i < bt.length; i++) bt[i] = kind === 'le127ext' ? (rnd() & 1 ? -128 : 127) : (rnd() & 255) - 128;
      top = (x.heapBase() + 63) & ~63;
      const pA = alloc(M * K), pB = alloc(N * K), pa = alloc(x.u8s8_gemm_packed_a_bytes(M, K)), pb = alloc(x.u8s8_gemm_packed_b_bytes(N, K));
      const pRow = alloc(M * 4), pCol = alloc(N * 4), pC = alloc(M * ldc * 4);
      new Uint8Array(x.memory.buffer, pA, M * K).set(a);
      new Int8Array(x.memory.buffer, pB, N * K).set(bt);
      x.u8s8_gemm_pack_b(pB, K, N, K, pb, pCol);
      const max = x.u8s8_gemm_pack_a(pA, K, M, K, pa, pRow);
      x.u8s8_gemm(M, N, K, pa, pb, pC, ldc, max);
      const c = new Int32Array(x.memory.buffer, pC, M * ldc);
      outer: for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) s = (s + a[m * K + k] * bt[n * K + k]) | 0;
          if (c[m * ldc + n] !== s) {
            failures.push(`M=${M} N=${N} K=${K} ${kind} ldc=${ldc}: C[${m},${n}] = ${c[m * ldc + n]}, reference ${s}`);
            break outer;
          }
        }
      }
    }
  }
}

// Whether this tier computes the FUSED relaxed dot-add right (Node 20 Liftoff does not): the
// repro module's one(p) stores relaxed_dot_i8x16_i7x16_add_s(load(p), load(p+16), load(p+32)).
const repro = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from('AGFzbQEAAAABBQFgAX8AAwMCAAAFAwEAAAcWAwNvbmUAAQN0d28AAAZtZW1vcnkCAApsAkwBAXsgACAA/QAEACAA/QAEECIB/QwAAAAAAAAAAAAAAAAAAAAA/ZMC/QsEMCAAIAEgAf0MAAAAAAAAAAAAAAAAAAAAAP2TAv0LBEALHQAgACAA/QAEACAA/QAEECAA/QAEIP2TAv0LBDAL', 'base64')), { env: { abort() {} } }).exports;
repro.memory.grow(1);
const m8 = new Int8Array(repro.memory.buffer);
const m32 = new Int32Array(repro.memory.buffer);
for (let i = 0; i < 16; i++) (m8[i] = i - 5), (m8[16 + i] = i);
m32.set([100, 200, 300, 400], 8);
repro.one(0);
const fusedAddExact = [84, 216, 476, 864].every((v, i) => m32[12 + i] === v);
process.stderr.write(`fused relaxed dot-add exact in this tier: ${fusedAddExact}\n`);
process.stdout.write(JSON.stringify({ cases, failures }));
