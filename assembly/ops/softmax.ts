// Softmax over the last axis of int8 / uint8 rows. The host passes a table of 256 float64:
// table[k] = exp(xScale * (k - 255)), so exp(xScale * (q - max)) = table[q - max + 255]
// (the zero point cancels). Per row, in this exact order (the reference does the same):
//   mx = max(q); s = 0.0; for i in 0..len: s += table[q[i] - mx + 255]   (float64, sequential)
//   p_i = table[q[i] - mx + 255] / s                                      (float64)
// then outKind 0: uint8 min(255, roundHalfEven(p_i * 256))        (scale 1/256, zero point 0)
//      outKind 1: int8  min(255, roundHalfEven(p_i * 256)) - 128  (scale 1/256, zero point -128)
//      outKind 2: float32 f32(p_i) (round to nearest even).
// Only the max is vectorised: the sum's order is part of the contract and the table lookups
// are gathers.

/** Softmax of `rows` rows of `len` int8 (signed = 1) or uint8 values; see the file comment. */
export function q8_softmax(x: usize, rows: i32, len: i32, table: usize, signed: i32, out: usize, outKind: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * len;
    let mx: i32 = signed ? -128 : 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      if (len >= 16) {
        let m = v128.load(xr);
        for (i = 16; i + 16 <= len; i += 16) m = signed ? i8x16.max_s(m, v128.load(xr + i)) : i8x16.max_u(m, v128.load(xr + i));
        // Fold 16 lanes to 1.
        for (let k = 0; k < 16; k++) {
          const v = signed ? <i32>i8x16.extract_lane_s(m, 0) : <i32>i8x16.extract_lane_u(m, 0);
          if (v > mx) mx = v;
          m = i8x16.shuffle(m, m, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0);
        }
      }
    }
    for (; i < len; i++) {
      const v = signed ? <i32>load<i8>(xr + i) : <i32>load<u8>(xr + i);
      if (v > mx) mx = v;
    }
    // Address of table[-mx + 255]; element q then sits at base + q * 8.
    const base = table + (<usize>(255 - mx) << 3);
    let s: f64 = 0;
    if (signed) for (i = 0; i < len; i++) s += load<f64>(base + (<isize>load<i8>(xr + i) << 3));
    else for (i = 0; i < len; i++) s += load<f64>(base + (<usize>load<u8>(xr + i) << 3));
    if (outKind == 2) {
      const o = out + (<usize>r * len << 2);
      for (i = 0; i < len; i++) {
        const q = signed ? <isize>load<i8>(xr + i) : <isize>load<u8>(xr + i);
        store<f32>(o + (<usize>i << 2), <f32>(load<f64>(base + (q << 3)) / s));
      }
    } else {
      const o = out + <usize>r * len;
      const shift = outKind == 1 ? 128 : 0;
      for (i = 0; i < len; i++) {
        const q = signed ? <isize>load<i8>(xr + i) : <isize>load<u8>(xr + i);
        const y = min<i32>(255, <i32>nearest<f64>((load<f64>(base + (q << 3)) / s) * 256.0));
        store<u8>(o + i, <u8>(y - shift));
      }
    }
  }
}
