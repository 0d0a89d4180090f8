'use strict';
// Reads Go source well enough to evaluate a Terraform provider's schema literals: a tokenizer with Go's automatic
// semicolons, an expression parser (composite literals, calls, selectors, index, unary &, binary operators, func
// literals kept opaque) and an index of a package's top-level func and var declarations. Used only by derive.js,
// which turns the provider's own source into the committed schema fixture; nothing here runs in the tests.

const PUNCTUATION = ['<<=', '>>=', '&^=', '...', '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '<<', '>>', '&^', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '!', '(', ')', '[', ']', '{', '}',
  ',', ';', '.', ':', '~'];
const SEMICOLON_AFTER_KEYWORDS = new Set(['break', 'continue', 'fallthrough', 'return']);

/** Go tokens: {kind: 'ident'|'string'|'number'|'char'|'punct', value, line}. Comments are dropped; semicolons inserted as Go does. */
function tokenize(text) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const needsSemicolon = () => {
    const last = tokens[tokens.length - 1];
    if (!last) {
      return false;
    }
    if (last.kind === 'ident') {
      return !['if', 'for', 'switch', 'select', 'func', 'else', 'case', 'default', 'go', 'defer', 'package', 'import', 'var', 'const', 'type', 'map', 'chan', 'struct', 'interface', 'range'].includes(last.value) || SEMICOLON_AFTER_KEYWORDS.has(last.value);
    }
    return last.kind !== 'punct' || [')', ']', '}', '++', '--'].includes(last.value);
  };
  const newline = () => {
    if (needsSemicolon()) {
      tokens.push({ kind: 'punct', value: ';', line, auto: true });
    }
    line++;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      newline();
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        throw new Error(`unterminated comment at line ${line}`);
      }
      const lines = text.slice(i, end).split('\n').length - 1;
      if (lines > 0) {
        newline();
        line += lines - 1;
      }
      i = end + 2;
    } else if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (text[j] !== '"') {
        if (j >= text.length || text[j] === '\n') {
          throw new Error(`unterminated string at line ${line}`);
        }
        if (text[j] === '\\') {
          const next = text[j + 1];
          const simple = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (next in simple) {
            value += simple[next];
            j += 2;
          } else if (next === 'u' || next === 'U' || next === 'x') {
            const length = next === 'u' ? 4 : next === 'U' ? 8 : 2;
            value += String.fromCodePoint(parseInt(text.slice(j + 2, j + 2 + length), 16));
            j += 2 + length;
          } else {
            value += next;
            j += 2;
          }
        } else {
          value += text[j];
          j++;
        }
      }
      tokens.push({ kind: 'string', value, line });
      i = j + 1;
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) {
        throw new Error(`unterminated raw string at line ${line}`);
      }
      const value = text.slice(i + 1, end).replace(/\r/g, '');
      tokens.push({ kind: 'string', value, line });
      line += value.split('\n').length - 1;
      i = end + 1;
    } else if (ch === "'") {
      let j = i + 1;
      while (text[j] !== "'") {
        j += text[j] === '\\' ? 2 : 1;
      }
      tokens.push({ kind: 'char', value: text.slice(i + 1, j), line });
      i = j + 1;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] || ''))) {
      const match = /^(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?)i?/.exec(text.slice(i));
      tokens.push({ kind: 'number', value: match[0], line });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      tokens.push({ kind: 'ident', value: match[0], line });
      i += match[0].length;
    } else {
      const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
      if (!punct) {
        throw new Error(`unexpected character ${JSON.stringify(ch)} at line ${line}`);
      }
      tokens.push({ kind: 'punct', value: punct, line });
      i += punct.length;
    }
  }
  newline();
  return tokens;
}

/** A cursor over tokens with an expression parser for the subset of Go that schema definitions use. */
class Parser {
  constructor(tokens, file) {
    this.tokens = tokens;
    this.pos = 0;
    this.file = file;
  }

  peek(offset = 0) {
    return this.tokens[this.pos + offset] || { kind: 'eof', value: '', line: -1 };
  }

  next() {
    return this.tokens[this.pos++] || { kind: 'eof', value: '', line: -1 };
  }

  is(value, offset = 0) {
    const token = this.peek(offset);
    return (token.kind === 'punct' || token.kind === 'ident') && token.value === value;
  }

  expect(value) {
    const token = this.next();
    if (token.value !== value) {
      throw new Error(`${this.file}:${token.line}: expected ${value}, found ${token.kind} ${JSON.stringify(token.value)}`);
    }
    return token;
  }

  /** Skips a balanced bracket group starting at the current opening token; returns the tokens inside. */
  skipGroup() {
    const open = this.next();
    const pairs = { '(': ')', '[': ']', '{': '}' };
    const stack = [pairs[open.value]];
    const start = this.pos;
    while (stack.length > 0) {
      const token = this.next();
      if (token.kind === 'eof') {
        throw new Error(`${this.file}:${open.line}: unbalanced ${open.value}`);
      }
      if (token.kind === 'punct' && pairs[token.value]) {
        stack.push(pairs[token.value]);
      } else if (token.kind === 'punct' && token.value === stack[stack.length - 1]) {
        stack.pop();
      }
    }
    return this.tokens.slice(start, this.pos - 1);
  }

  /** A type expression: ident, pkg.Name, *T, []T, [N]T, map[K]V, func(...) results, interface{}, struct{...}. */
  parseType() {
    const token = this.peek();
    if (this.is('*')) {
      this.next();
      return { kind: 'pointerType', elem: this.parseType() };
    }
    if (this.is('[')) {
      this.next();
      if (!this.is(']')) {
        this.parseExpression();
      }
      this.expect(']');
      return { kind: 'sliceType', elem: this.parseType() };
    }
    if (this.is('map')) {
      this.next();
      this.expect('[');
      const key = this.parseType();
      this.expect(']');
      return { kind: 'mapType', key, value: this.parseType() };
    }
    if (this.is('interface') || this.is('struct')) {
      this.next();
      this.skipGroup();
      return { kind: 'opaqueType', name: token.value };
    }
    if (this.is('func')) {
      this.next();
      this.skipGroup();
      this.skipFuncResults();
      return { kind: 'opaqueType', name: 'func' };
    }
    if (token.kind === 'ident') {
      this.next();
      let name = token.value;
      while (this.is('.') && this.peek(1).kind === 'ident') {
        this.next();
        name += '.' + this.next().value;
      }
      return { kind: 'namedType', name };
    }
    throw new Error(`${this.file}:${token.line}: expected a type, found ${JSON.stringify(token.value)}`);
  }

  skipFuncResults() {
    if (this.is('(')) {
      this.skipGroup();
    } else if (!this.is('{') && !this.is(',') && !this.is(')') && !this.is(';')) {
      this.parseType();
    }
  }

  parseExpression(precedence = 0) {
    let left = this.parseUnary();
    const levels = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '|': 4, '^': 4, '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5 };
    for (;;) {
      const token = this.peek();
      const level = token.kind === 'punct' ? levels[token.value] : undefined;
      if (level === undefined || level <= precedence) {
        return left;
      }
      this.next();
      const right = this.parseExpression(level);
      left = { kind: 'binary', op: token.value, left, right, line: token.line };
    }
  }

  parseUnary() {
    const token = this.peek();
    if (token.kind === 'punct' && ['&', '-', '+', '!', '^', '*', '<-'].includes(token.value)) {
      this.next();
      return { kind: 'unary', op: token.value, operand: this.parseUnary(), line: token.line };
    }
    return this.parsePostfix(this.parseOperand());
  }

  parseOperand() {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { kind: 'string', value: token.value, line: token.line };
    }
    if (token.kind === 'number' || token.kind === 'char') {
      this.next();
      return { kind: token.kind, value: token.value, line: token.line };
    }
    if (this.is('(')) {
      this.next();
      const inner = this.parseExpression();
      this.expect(')');
      return inner;
    }
    if (this.is('func')) {
      this.next();
      this.skipGroup();
      this.skipFuncResults();
      const body = this.skipGroup();
      return { kind: 'funcLit', body, line: token.line };
    }
    if (this.is('{')) {
      return this.parseCompositeBody(null, token.line);
    }
    if (this.is('[') || this.is('map') || this.is('struct') || this.is('interface')) {
      const type = this.parseType();
      if (this.is('{')) {
        return this.parseCompositeBody(type, token.line);
      }
      return { kind: 'type', type, line: token.line };
    }
    if (token.kind === 'ident') {
      this.next();
      return { kind: 'ident', name: token.value, line: token.line };
    }
    throw new Error(`${this.file}:${token.line}: unexpected ${token.kind} ${JSON.stringify(token.value)}`);
  }

  parsePostfix(operand) {
    let expr = operand;
    for (;;) {
      if (this.is('.')) {
        this.next();
        if (this.is('(')) {
          this.next();
          const type = this.is('type') ? (this.next(), { kind: 'namedType', name: 'type' }) : this.parseType();
          this.expect(')');
          expr = { kind: 'typeAssert', expr, type, line: expr.line };
        } else {
          const name = this.next();
          expr = { kind: 'selector', expr, name: name.value, line: name.line };
        }
      } else if (this.is('(')) {
        const line = this.next().line;
        const args = [];
        while (!this.is(')')) {
          args.push(this.parseExpression());
          if (this.is('...')) {
            this.next();
          }
          if (this.is(',')) {
            this.next();
          } else {
            break;
          }
        }
        this.expect(')');
        expr = { kind: 'call', fn: expr, args, line };
      } else if (this.is('[')) {
        const line = this.next().line;
        const index = this.is(':') ? null : this.parseExpression();
        if (this.is(':')) {
          this.next();
          if (!this.is(']')) {
            this.parseExpression();
          }
          this.expect(']');
          expr = { kind: 'slice', expr, line };
        } else {
          this.expect(']');
          expr = { kind: 'index', expr, index, line };
        }
      } else if (this.is('{') && this.compositeAllowed(expr)) {
        expr = this.parseCompositeBody({ kind: 'namedType', name: qualifiedName(expr) }, expr.line);
      } else {
        return expr;
      }
    }
  }

  /**
   * A `{` after a (qualified) name opens a composite literal. Go's own ambiguity (`if x {`) does not arise: only
   * declarations, assignments, returns and call statements are parsed as expressions.
   */
  compositeAllowed(expr) {
    return qualifiedName(expr) !== null;
  }

  parseCompositeBody(type, line) {
    this.expect('{');
    const elements = [];
    while (!this.is('}')) {
      if (this.is(';')) {
        this.next();
        continue;
      }
      let key = null;
      let value = this.parseElement();
      if (this.is(':')) {
        this.next();
        key = value;
        value = this.parseElement();
      }
      elements.push({ key, value });
      if (this.is(',')) {
        this.next();
      } else {
        while (this.is(';')) {
          this.next();
        }
        if (!this.is('}')) {
          throw new Error(`${this.file}:${this.peek().line}: expected , or } in composite literal`);
        }
      }
    }
    this.expect('}');
    return { kind: 'composite', type, elements, line };
  }

  parseElement() {
    if (this.is('{')) {
      return this.parseCompositeBody(null, this.peek().line);
    }
    return this.parseExpression();
  }
}

function qualifiedName(expr) {
  if (!expr) {
    return null;
  }
  if (expr.kind === 'ident') {
    return expr.name;
  }
  if (expr.kind === 'selector') {
    const inner = qualifiedName(expr.expr);
    return inner ? `${inner}.${expr.name}` : null;
  }
  return null;
}

/**
 * Top-level declarations of one Go file: imports (alias -> path), funcs (name -> {params, body tokens}), methods ({receiver
 * type, name, body tokens}) and vars (name -> initializer expression). Type declarations are skipped.
 */
function parseFile(file, text) {
  const parser = new Parser(tokenize(text), file);
  const imports = {};
  const funcs = {};
  const vars = {};
  const methods = [];
  const addImport = () => {
    let alias = null;
    if (parser.peek().kind === 'ident' || parser.is('.') || parser.is('_')) {
      alias = parser.next().value;
    }
    const path = parser.next().value;
    imports[alias || path.split('/').pop()] = path;
  };
  while (parser.peek().kind !== 'eof') {
    const token = parser.next();
    if (token.kind === 'punct' && token.value === ';') {
      continue;
    }
    if (token.value === 'package') {
      parser.next();
    } else if (token.value === 'import') {
      if (parser.is('(')) {
        parser.next();
        while (!parser.is(')')) {
          if (parser.is(';')) {
            parser.next();
            continue;
          }
          addImport();
        }
        parser.next();
      } else {
        addImport();
      }
    } else if (token.value === 'func') {
      if (parser.is('(')) {
        const receiver = parser.skipGroup().filter((t) => t.kind === 'ident').map((t) => t.value).pop();
        const name = parser.next().value;
        parser.skipGroup();
        parser.skipFuncResults();
        const body = parser.is('{') ? parser.skipGroup() : [];
        methods.push({ receiver, name, body, file });
        continue;
      }
      const name = parser.next().value;
      if (parser.is('[')) {
        parser.skipGroup();
      }
      const paramTokens = parser.skipGroup();
      parser.skipFuncResults();
      const body = parser.is('{') ? parser.skipGroup() : [];
      funcs[name] = { name, params: paramNames(paramTokens), body, file };
    } else if (token.value === 'var' || token.value === 'const') {
      const readSpec = () => {
        const names = [parser.next().value];
        while (parser.is(',')) {
          parser.next();
          names.push(parser.next().value);
        }
        if (!parser.is('=') && !parser.is(';')) {
          parser.parseType();
        }
        if (parser.is('=')) {
          parser.next();
          const values = [parser.parseExpression()];
          while (parser.is(',')) {
            parser.next();
            values.push(parser.parseExpression());
          }
          names.forEach((name, index) => {
            vars[name] = { name, value: values[index], file };
          });
        }
      };
      if (parser.is('(')) {
        parser.next();
        while (!parser.is(')')) {
          if (parser.is(';')) {
            parser.next();
            continue;
          }
          readSpec();
        }
        parser.next();
      } else {
        readSpec();
      }
    } else if (token.value === 'type') {
      if (parser.is('(')) {
        parser.skipGroup();
        continue;
      }
      parser.next();
      if (parser.is('[')) {
        parser.skipGroup();
      }
      if (parser.is('=')) {
        parser.next();
      }
      parser.parseType();
    } else {
      throw new Error(`${file}:${token.line}: unexpected top-level ${JSON.stringify(token.value)}`);
    }
  }
  return { file, imports, funcs, vars, methods };
}

function paramNames(tokens) {
  // "a, b map[string]*schema.Schema, c func(...) error" -> [a, b, c]: the first identifier of each comma group at depth 0.
  const names = [];
  let depth = 0;
  let expectName = true;
  for (const token of tokens) {
    if (token.kind === 'punct' && ['(', '[', '{'].includes(token.value)) {
      depth++;
    } else if (token.kind === 'punct' && [')', ']', '}'].includes(token.value)) {
      depth--;
    } else if (depth === 0 && token.kind === 'punct' && token.value === ',') {
      expectName = true;
      continue;
    }
    if (expectName && depth === 0 && token.kind === 'ident') {
      names.push(token.value);
      expectName = false;
    } else if (expectName) {
      expectName = false;
    }
  }
  return names;
}

/** Splits a function body's tokens into statements (top-level `;`), each a token list. */
function statements(body) {
  const result = [];
  let current = [];
  let depth = 0;
  for (const token of body) {
    if (token.kind === 'punct' && ['(', '[', '{'].includes(token.value)) {
      depth++;
    } else if (token.kind === 'punct' && [')', ']', '}'].includes(token.value)) {
      depth--;
    }
    if (depth === 0 && token.kind === 'punct' && token.value === ';') {
      if (current.length > 0) {
        result.push(current);
      }
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) {
    result.push(current);
  }
  return result;
}

module.exports = { tokenize, Parser, parseFile, statements, qualifiedName };
