/**
 * Column tables: the plain values handed between data/, panel/ and frame/.
 * Numbers are Float64Array with NaN for missing; strings are dictionary-coded
 * (codes index `levels`, -1 = missing). No row objects anywhere.
 */
export interface CategoricalColumn {
  readonly codes: Int32Array;
  readonly levels: string[];
}

export interface ColumnTable {
  readonly length: number;
  readonly numeric: Record<string, Float64Array>;
  readonly categorical: Record<string, CategoricalColumn>;
}

/** Category lists per item, e.g. item_categories.csv `feat` "[27, 9]": offsets into a flat value array. */
export interface ListColumn {
  readonly offsets: Int32Array; // length = rows + 1
  readonly values: Int32Array;
}

/** The type of a column as expressions see it (src/panel/expr/check.ts). */
export type ValueType = 'number' | 'boolean' | 'category';
