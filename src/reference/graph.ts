/**
 * Reference run of an int8 graph: every node through its plain-TS reference (conv2dRef /
 * qgemmRef + requantizeRef, pooling, relu / clamp, addRef, softmaxRef), op by op. The spec that
 * runNetwork must match bit for bit on every build.
 * @module
 */
import { resolveOutputStage } from '../descriptors/output-stage.js';
import { inferGraph, layerParams, clampBounds, type ConvNode, type DenseNode, type Graph, type GraphQuant } from '../nets/graph.js';
import { resolveAdd } from '../ops/add.js';
import { clampRef, reluRef } from './activation.js';
import { addRef } from './add.js';
import { conv2dRef } from './conv.js';
import { qgemmRef, requantizeRef } from './gemm.js';
import { avgPool2dRef, maxPool2dRef } from './pool.js';
import { softmaxRef } from './softmax.js';

/**
 * Runs `graph` (calibrated) on the int8 `input` of graph.input.shape with the references and
 * returns every node's output, in node order.
 */
export function runGraphRef(graph: Graph, input: Int8Array): Int8Array[] {
  const info = inferGraph(graph);
  const outs: Int8Array[] = [];
  const get = (k: number) => (k < 0 ? input : outs[k]);
  const quant = (k: number): GraphQuant => (k < 0 ? graph.input.quant! : info.nodes[k].quant!);
  for (const ni of info.nodes) {
    const x = get(ni.inputs[0]);
    const xq = quant(ni.inputs[0]);
    const n = ni.node;
    let y: Int8Array;
    switch (n.op) {
      case 'conv2d':
      case 'dense': {
        const node = n as ConvNode | DenseNode;
        const c = ni.conv!;
        const p = layerParams(ni, xq, ni.quant);
        const stage = resolveOutputStage('runGraphRef', p, c.M, 'int8', 'int8');
        const acc = n.op === 'conv2d' ? conv2dRef(x, node.weights, c, { xZeroPoint: xq.zeroPoint, bias: node.bias }) : qgemmRef(x, xq.zeroPoint, node.weights, 0, node.bias, c.N, c.M, c.K);
        const rq = stage.requant!;
        y = requantizeRef(acc, c.M, rq.multipliers, rq.yZeroPoint, rq.qmin, rq.qmax, 'int8') as Int8Array;
        break;
      }
      case 'maxPool2d':
        y = maxPool2dRef(x, ni.pool!);
        break;
      case 'avgPool2d':
      case 'globalAvgPool':
        y = avgPool2dRef(x, ni.pool!, false, 0);
        break;
      case 'relu':
        y = reluRef(x, xq.zeroPoint);
        break;
      case 'clamp': {
        const [lo, hi] = clampBounds(n, xq);
        y = clampRef(x, lo, hi);
        break;
      }
      case 'add': {
        const bq = quant(ni.inputs[1]);
        y = addRef(x, get(ni.inputs[1]), resolveAdd('runGraphRef', { a: xq, b: bq, y: ni.quant!, outputDtype: 'int8', activation: n.activation }, 'int8', 'int8')) as Int8Array;
        break;
      }
      case 'flatten':
        y = x.slice();
        break;
      case 'softmax':
        y = softmaxRef(x, ni.shape[ni.shape.length - 1], xq.scale, 'int8');
        break;
    }
    outs.push(y);
  }
  return outs;
}
