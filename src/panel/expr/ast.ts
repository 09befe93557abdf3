/**
 * Expression language: the abstract syntax tree. Every node keeps the [start, end) character
 * offsets of its source text so errors can point at the spec's line:col.
 */

/** Where an expression string starts in its spec file (1-based line and column of its first character). */
export interface ExpressionOrigin {
  file: string;
  line: number;
  col: number;
  pointer?: string;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';
type UnaryOperator = '-' | 'not';

interface Span {
  start: number;
  end: number;
}

interface NumberNode extends Span {
  kind: 'number';
  value: number;
}
interface BooleanNode extends Span {
  kind: 'boolean';
  value: boolean;
}
interface StringNode extends Span {
  kind: 'string';
  value: string;
}
/** A column reference: a bare name (`watch_ratio`, `interactions`) or a qualified one (`item.avg_likes`). */
interface RefNode extends Span {
  kind: 'ref';
  name: string;
}
interface UnaryNode extends Span {
  kind: 'unary';
  op: UnaryOperator;
  arg: ExprNode;
}
interface BinaryNode extends Span {
  kind: 'binary';
  op: BinaryOperator;
  left: ExprNode;
  right: ExprNode;
  /** Offset of the operator token (errors about the operator point here). */
  opStart: number;
}
interface CallNode extends Span {
  kind: 'call';
  name: string;
  args: ExprNode[];
}

export type ExprNode = NumberNode | BooleanNode | StringNode | RefNode | UnaryNode | BinaryNode | CallNode;

/** A parsed expression with the text and origin it came from. */
export interface ParsedExpression {
  text: string;
  origin: ExpressionOrigin;
  root: ExprNode;
}
