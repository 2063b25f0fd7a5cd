/**
 * THE list of dataflow models. Add one entry per model (FEIE, Eyeriss RS, ...); the arch schema's
 * `dataflow` enum, validation and tests iterate this list, nothing else enumerates dataflows.
 * @module
 */
import { FEIE_ZASCAD, FEIE_ZASCAS } from './feie-dataflow.js';
import { ROW_STATIONARY } from './rowstationary.js';
import { SYSTOLIC_IS, SYSTOLIC_OS, SYSTOLIC_WS } from './systolic.js';
import type { Dataflow } from './types.js';

/** Every dataflow model, by the name used in `ArchSpec.dataflow`. */
export const DATAFLOWS: Readonly<Record<string, Dataflow>> = Object.freeze({
  ws: SYSTOLIC_WS,
  os: SYSTOLIC_OS,
  is: SYSTOLIC_IS,
  rs: ROW_STATIONARY,
  zascad: FEIE_ZASCAD,
  zascas: FEIE_ZASCAS,
});
