/**
 * The raw exports of the kernel module (assembly/index.ts). Pointers are byte addresses in Wasm
 * memory; sizes are element counts. Each kernel family adds its functions here.
 * @module
 */
export interface WasmKernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  buildIsa(): number;

  // assembly/ops/activation.ts
  q8_relu(x: number, y: number, n: number, zeroPoint: number, signed: number): void;
}
