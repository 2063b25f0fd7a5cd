/** First byte the host allocator may use: everything below holds static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Which instruction set this build was compiled for: 0 scalar, 1 SIMD, 2 relaxed SIMD. */
export function buildIsa(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 2;
  if (ASC_FEATURE_SIMD) return 1;
  return 0;
}
