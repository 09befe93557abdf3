/**
 * The spec schema's estimator branch (schemas/causeway.schema.json, $defs.Estimator.oneOf) from the kinds'
 * option declarations: one branch per spec kind, in registry order. scripts/gen-estimator-schema.mjs writes
 * it; test/estimate/kinds.test.ts fails when the committed schema differs.
 */
import { specKinds } from './index.js';

export function estimatorSchemaBranches(): Record<string, unknown>[] {
  return specKinds().map((k) => ({
    type: 'object',
    additionalProperties: false,
    required: ['id', 'kind'],
    properties: {
      id: {
        $ref: '#/$defs/Identifier',
        description: 'Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.',
        examples: [k.kind],
      },
      kind: { const: k.kind, description: k.summary, examples: [k.kind] },
      ...k.options,
    },
  }));
}
