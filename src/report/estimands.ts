/**
 * The estimands the report names. The kinds declare them (src/estimate/kinds/): registry text with the
 * spec's own names for A, M and Y, the order tables list them in, and whether a key is one the report
 * describes.
 */
import { estimandRank, estimandText } from '../estimate/kinds/index.js';
import type { EstimandText } from '../estimate/kinds/kind.js';

export { estimandRank };

export function estimandInfo(key: string, names: { A: string; M: string; Y: string }): EstimandText {
  return estimandText(key, names);
}
