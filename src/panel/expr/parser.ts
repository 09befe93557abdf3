/**
 * Tokenizer and recursive-descent parser for spec expressions. Grammar (loosest first):
 *
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | compare
 *   compare := sum (('<'|'<='|'>'|'>='|'=='|'!=') sum)?        -- comparisons do not chain
 *   sum     := product (('+'|'-') product)*
 *   product := unary (('*'|'/') unary)*
 *   unary   := '-' unary | primary
 *   primary := number | 'true' | 'false' | string | name | name '(' args? ')' | '(' or ')'
 *   name    := identifier ('.' identifier)?                     -- item.avg_likes, user.register_days
 *
 * No expression is ever turned into code: the tree is checked (check.ts) and evaluated over typed
 * columns (evaluate.ts).
 */
import type { BinaryOperator, ExprNode, ExpressionOrigin, ParsedExpression } from './ast.js';
import { expressionError } from './location.js';

type TokenKind = 'number' | 'name' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  value?: number | string;
}

const KEYWORD_OPERATORS = new Set(['and', 'or', 'not']);

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function tokenize(text: string, origin: ExpressionOrigin): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  const fail = (message: string, at: number, hint?: string): never => {
    throw expressionError('EXPR_SYNTAX', message, text, origin, at, hint);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i < n && text.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      if (i < n && (text[i] === 'e' || text[i] === 'E')) {
        let j = i + 1;
        if (j < n && (text[j] === '+' || text[j] === '-')) j++;
        if (j < n && isDigit(text.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      if (i < n && isNameStart(text.charCodeAt(i))) fail(`unexpected '${text[i]}' after the number ${text.slice(start, i)}`, i);
      const literal = text.slice(start, i);
      tokens.push({ kind: 'number', text: literal, start, end: i, value: Number(literal) });
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNamePart(text.charCodeAt(i))) i++;
      // One qualifier at most: item.avg_likes, user.register_days.
      if (i + 1 < n && text.charCodeAt(i) === 46 && isNameStart(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isNamePart(text.charCodeAt(i))) i++;
      }
      const word = text.slice(start, i);
      tokens.push({ kind: KEYWORD_OPERATORS.has(word) ? 'op' : 'name', text: word, start, end: i });
      continue;
    }
    if (c === 34 || c === 39) {
      const quote = text[i];
      i++;
      let value = '';
      while (i < n && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i];
        i++;
      }
      if (i >= n) fail('unterminated string', start, `close it with ${quote}`);
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), start, end: i, value });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (two === '&&') fail("unexpected '&&'", start, "write 'and'");
    if (two === '||') fail("unexpected '||'", start, "write 'or'");
    const ch = text[i];
    if ('+-*/<>'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    if (ch === '(') tokens.push({ kind: 'lparen', text: ch, start, end: i + 1 });
    else if (ch === ')') tokens.push({ kind: 'rparen', text: ch, start, end: i + 1 });
    else if (ch === ',') tokens.push({ kind: 'comma', text: ch, start, end: i + 1 });
    else if (ch === '=') fail("unexpected '='", start, "compare with '=='");
    else if (ch === '!') fail("unexpected '!'", start, "write 'not' (or '!=' to compare)");
    else fail(`unexpected character '${ch}'`, start);
    i++;
  }
  tokens.push({ kind: 'end', text: '', start: n, end: n });
  return tokens;
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/**
 * Limits that keep parsing, checking (check.ts) and evaluation (evaluate.ts), which recurse over the
 * tree, far from the stack's end; docs/limits.md lists them. A spec's expressions are a line or two.
 */
const MAX_EXPRESSION_LENGTH = 10_000;
/** Nesting of the tree: brackets, calls, unary operators and each operator of a chain (a + b + c is 2). */
export const MAX_EXPRESSION_DEPTH = 200;

/** Parses an expression string; `origin` is where its first character sits in the spec. */
export function parseExpression(text: string, origin: ExpressionOrigin): ParsedExpression {
  if (typeof text !== 'string') {
    throw expressionError('EXPR_SYNTAX', 'an expression must be a string', '', origin, 0);
  }
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw expressionError('EXPR_TOO_LONG', `the expression has ${text.length} characters; at most ${MAX_EXPRESSION_LENGTH} are allowed`, text, origin, MAX_EXPRESSION_LENGTH,
      'define parts of it as separate events or days fields');
  }
  const tokens = tokenize(text, origin);
  let position = 0;
  // Depth of each finished subtree, and how deep the parser's own recursion is now: both bounded so
  // a 10,000-bracket or 20,000-term expression is a located error, not a stack overflow.
  const depths = new WeakMap<ExprNode, number>();
  let nesting = 0;
  const tooDeep = (at: number): never => {
    throw expressionError('EXPR_TOO_DEEP', `the expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep`, text, origin, at,
      'split it into named events or days fields');
  };
  const depthOf = (node: ExprNode): number => depths.get(node) ?? 1;
  const node = <T extends ExprNode>(made: T, at: number, ...children: ExprNode[]): T => {
    const depth = 1 + children.reduce((m, c) => Math.max(m, depthOf(c)), 0);
    if (depth > MAX_EXPRESSION_DEPTH) tooDeep(at);
    depths.set(made, depth);
    return made;
  };
  const enter = (at: number): void => {
    if (++nesting > MAX_EXPRESSION_DEPTH) tooDeep(at);
  };
  const peek = (): Token => tokens[position];
  const next = (): Token => tokens[position++];
  const fail = (message: string, token: Token, hint?: string): never => {
    throw expressionError('EXPR_SYNTAX', message, text, origin, token.start, hint);
  };
  const describe = (token: Token): string => (token.kind === 'end' ? 'the end of the expression' : `'${token.text}'`);

  const parseOr = (): ExprNode => {
    let left = parseAnd();
    while (peek().kind === 'op' && peek().text === 'or') {
      const op = next();
      const right = parseAnd();
      left = node({ kind: 'binary', op: 'or', left, right, start: left.start, end: right.end, opStart: op.start }, op.start, left, right);
    }
    return left;
  };
  const parseAnd = (): ExprNode => {
    let left = parseNot();
    while (peek().kind === 'op' && peek().text === 'and') {
      const op = next();
      const right = parseNot();
      left = node({ kind: 'binary', op: 'and', left, right, start: left.start, end: right.end, opStart: op.start }, op.start, left, right);
    }
    return left;
  };
  const parseNot = (): ExprNode => {
    if (peek().kind === 'op' && peek().text === 'not') {
      const op = next();
      enter(op.start);
      const arg = parseNot();
      nesting--;
      return node({ kind: 'unary', op: 'not', arg, start: op.start, end: arg.end }, op.start, arg);
    }
    return parseCompare();
  };
  const parseCompare = (): ExprNode => {
    const left = parseSum();
    const token = peek();
    if (token.kind === 'op' && COMPARISONS.has(token.text)) {
      next();
      const right = parseSum();
      const after = peek();
      if (after.kind === 'op' && COMPARISONS.has(after.text)) {
        fail('comparisons cannot be chained', after, 'join two comparisons with and: a < b and b < c');
      }
      return node({ kind: 'binary', op: token.text as BinaryOperator, left, right, start: left.start, end: right.end, opStart: token.start }, token.start, left, right);
    }
    return left;
  };
  const parseSum = (): ExprNode => {
    let left = parseProduct();
    while (peek().kind === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = next();
      const right = parseProduct();
      left = node({ kind: 'binary', op: op.text as BinaryOperator, left, right, start: left.start, end: right.end, opStart: op.start }, op.start, left, right);
    }
    return left;
  };
  const parseProduct = (): ExprNode => {
    let left = parseUnary();
    while (peek().kind === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = next();
      const right = parseUnary();
      left = node({ kind: 'binary', op: op.text as BinaryOperator, left, right, start: left.start, end: right.end, opStart: op.start }, op.start, left, right);
    }
    return left;
  };
  const parseUnary = (): ExprNode => {
    if (peek().kind === 'op' && peek().text === '-') {
      const op = next();
      enter(op.start);
      const arg = parseUnary();
      nesting--;
      return node({ kind: 'unary', op: '-', arg, start: op.start, end: arg.end }, op.start, arg);
    }
    if (peek().kind === 'op' && peek().text === '+') {
      const op = next();
      enter(op.start);
      const arg = parseUnary();
      nesting--;
      return arg;
    }
    return parsePrimary();
  };
  const parsePrimary = (): ExprNode => {
    const token = next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value as number, start: token.start, end: token.end };
      case 'string':
        return { kind: 'string', value: token.value as string, start: token.start, end: token.end };
      case 'lparen': {
        enter(token.start);
        const inner = parseOr();
        nesting--;
        const close = next();
        if (close.kind !== 'rparen') fail(`expected ')' but found ${describe(close)}`, close, `to close the '(' at column ${token.start + 1} of the expression`);
        // A bracket adds no node but counts as a level, so its depth is bounded as the recursion is.
        return node({ ...inner, start: token.start, end: close.end }, token.start, inner);
      }
      case 'name': {
        if (token.text === 'true' || token.text === 'false') {
          return { kind: 'boolean', value: token.text === 'true', start: token.start, end: token.end };
        }
        if (peek().kind === 'lparen') {
          next();
          enter(token.start);
          const args: ExprNode[] = [];
          if (peek().kind !== 'rparen') {
            for (;;) {
              args.push(parseOr());
              const separator = peek();
              if (separator.kind === 'comma') {
                next();
                continue;
              }
              if (separator.kind === 'rparen') break;
              fail(`expected ',' or ')' in the arguments of ${token.text}() but found ${describe(separator)}`, separator);
            }
          }
          nesting--;
          const close = next();
          return node({ kind: 'call', name: token.text, args, start: token.start, end: close.end }, token.start, ...args);
        }
        return { kind: 'ref', name: token.text, start: token.start, end: token.end };
      }
      case 'end':
        return fail(text.trim() === '' ? 'empty expression' : 'the expression ends too early', token);
      default:
        return fail(`unexpected ${describe(token)}`, token);
    }
  };

  const root = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') {
    fail(`unexpected ${describe(rest)} after a complete expression`, rest, rest.kind === 'name' ? 'missing an operator (and, or, +, ...)?' : undefined);
  }
  return { text, origin, root };
}
