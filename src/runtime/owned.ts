/**
 * Objects that own one block of Wasm memory (packed weights): one place for their lifetime.
 * @module
 */
import type { Engine } from './engine.js';
import type { Tensor } from './tensor.js';

/** Owns one uint8 block of an engine's Wasm memory until {@link WasmBlockOwner.dispose}. */
export abstract class WasmBlockOwner {
  /** @internal The Wasm block (a uint8 tensor owned by this object). */
  readonly block: Tensor<'uint8'>;

  constructor(block: Tensor<'uint8'>) {
    this.block = block;
  }

  /** Bytes of Wasm memory held. */
  get byteLength(): number {
    return this.block.byteLength;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.block.disposed;
  }

  /** True if the block lives in `engine`'s memory. */
  belongsTo(engine: Engine): boolean {
    return this.block.belongsTo(engine.heap);
  }

  /** Frees the Wasm memory. Idempotent. */
  dispose(): void {
    this.block.dispose();
  }
}
