/**
 * Parser for the subset of Go's text/template that the Helm chart in deploy/helm/netsec uses
 * (docs/adr/0004-deployment-rendering.md). Anything outside the subset is a parse error, so a
 * template cannot silently rely on a construct this renderer would get wrong.
 *
 * Subset: text; actions with `{{-`/`-}}` trimming; comments; `if`/`else if`/`else`, `with`,
 * `range` (with optional `$k, $v :=`), `define`, `end`; pipelines of commands joined by `|`;
 * operands: fields (`.a.b`, `$.a`, `$v.a`), string/number/bool/nil literals, function names,
 * and parenthesised pipelines; variable declarations `$x := …`.
 */

export type Operand =
  | { k: 'field'; base: 'dot' | 'root' | 'var'; name?: string; path: string[] }
  | { k: 'lit'; v: unknown }
  | { k: 'fn'; name: string }
  | { k: 'sub'; pipe: Pipe };

export interface Pipe {
  decl: string[];
  cmds: Operand[][];
}

export type TemplateNode =
  | { t: 'text'; text: string }
  | { t: 'out'; pipe: Pipe }
  | { t: 'if'; branches: { cond: Pipe; body: TemplateNode[] }[]; otherwise: TemplateNode[] }
  | { t: 'with'; pipe: Pipe; body: TemplateNode[]; otherwise: TemplateNode[] }
  | { t: 'range'; pipe: Pipe; body: TemplateNode[]; otherwise: TemplateNode[] };

interface RawAction {
  body: string;
  line: number;
}
type Piece = { text: string } | { action: RawAction };

/** Splits template text into text and action pieces, applying `{{-` and `-}}` trimming. */
function split(src: string, file: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      out.push({ text });
      break;
    }
    let j = open + 2;
    let quote: string | null = null;
    while (j < src.length) {
      const c = src[j]!;
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === '`') quote = c;
      else if (src.startsWith('}}', j)) break;
      j++;
    }
    if (j >= src.length) throw new Error(`${file}: unclosed action`);
    let body = src.slice(open + 2, j);
    const line = src.slice(0, open).split('\n').length;
    if (body.startsWith('- ') || body === '-') {
      text = text.replace(/\s+$/, '');
      body = body.slice(1);
    }
    if (body.endsWith(' -')) {
      trimNext = true;
      body = body.slice(0, -1);
    }
    out.push({ text });
    body = body.trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) out.push({ action: { body, line } });
    i = j + 2;
  }
  return out.filter((p) => !('text' in p) || p.text !== '');
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const FIELD = /^(\$[A-Za-z0-9_]*|)((\.[A-Za-z_][A-Za-z0-9_]*)+|\.)?/;

type Tok = { k: 'op'; v: string } | { k: 'operand'; v: Operand };

function tokenize(body: string, where: string): Tok[] {
  const toks: Tok[] = [];
  let s = body;
  while ((s = s.trimStart()) !== '') {
    const c = s[0]!;
    if (s.startsWith(':=')) {
      toks.push({ k: 'op', v: ':=' });
      s = s.slice(2);
    } else if ('()|,'.includes(c)) {
      toks.push({ k: 'op', v: c });
      s = s.slice(1);
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(s);
      if (!m) throw new Error(`${where}: bad string`);
      toks.push({ k: 'operand', v: { k: 'lit', v: JSON.parse(m[0]) as string } });
      s = s.slice(m[0].length);
    } else if (c === '`') {
      const end = s.indexOf('`', 1);
      if (end < 0) throw new Error(`${where}: bad raw string`);
      toks.push({ k: 'operand', v: { k: 'lit', v: s.slice(1, end) } });
      s = s.slice(end + 1);
    } else if (/^-?\d/.test(s)) {
      const m = /^-?\d+(\.\d+)?/.exec(s)!;
      toks.push({ k: 'operand', v: { k: 'lit', v: Number(m[0]) } });
      s = s.slice(m[0].length);
    } else if (c === '.' || c === '$') {
      const m = FIELD.exec(s)!;
      const head = m[1] ?? '';
      const path = (m[2] ?? '').split('.').filter((p) => p !== '');
      const base = head === '' ? 'dot' : head === '$' ? 'root' : 'var';
      const field: Operand = { k: 'field', base, path };
      if (base === 'var') field.name = head;
      toks.push({ k: 'operand', v: field });
      s = s.slice(m[0].length);
    } else if (IDENT.test(s)) {
      const name = IDENT.exec(s)![0];
      const lit: Record<string, unknown> = { true: true, false: false, nil: null };
      toks.push({ k: 'operand', v: name in lit ? { k: 'lit', v: lit[name] } : { k: 'fn', name } });
      s = s.slice(name.length);
    } else {
      throw new Error(`${where}: unexpected ${JSON.stringify(s.slice(0, 10))}`);
    }
  }
  return toks;
}

function parsePipe(toks: Tok[], where: string): Pipe {
  let pos = 0;
  const pipe = (): Pipe => {
    const decl: string[] = [];
    // `$a := …` or `$k, $v := …`
    const look = toks.findIndex((t, i) => i >= pos && t.k === 'op' && t.v === ':=');
    if (look >= 0 && toks.slice(pos, look).every((t) => t.k === 'operand' || t.v === ',')) {
      for (const t of toks.slice(pos, look)) {
        if (t.k === 'operand') {
          if (t.v.k !== 'field' || t.v.base !== 'var' || t.v.path.length > 0) {
            throw new Error(`${where}: only $variables can be declared`);
          }
          decl.push(t.v.name!);
        }
      }
      pos = look + 1;
    }
    const cmds: Operand[][] = [[]];
    while (pos < toks.length) {
      const t = toks[pos]!;
      if (t.k === 'op' && t.v === ')') break;
      pos++;
      if (t.k === 'op' && t.v === '|') cmds.push([]);
      else if (t.k === 'op' && t.v === '(') {
        const inner = pipe();
        if (toks[pos]?.v !== ')') throw new Error(`${where}: missing )`);
        pos++;
        cmds[cmds.length - 1]!.push({ k: 'sub', pipe: inner });
      } else if (t.k === 'operand') cmds[cmds.length - 1]!.push(t.v);
      else throw new Error(`${where}: unexpected ${t.v}`);
    }
    if (cmds.some((c) => c.length === 0)) throw new Error(`${where}: empty command`);
    return { decl, cmds };
  };
  const out = pipe();
  if (pos !== toks.length) throw new Error(`${where}: unexpected )`);
  return out;
}

export interface ParsedTemplate {
  nodes: TemplateNode[];
  defines: Map<string, TemplateNode[]>;
}

/** Parses one template file; `define`d templates are returned beside the top-level nodes. */
export function parseTemplate(src: string, file: string): ParsedTemplate {
  const pieces = split(src, file);
  const defines = new Map<string, TemplateNode[]>();
  let pos = 0;
  // Parses nodes until one of `stops` (`end`, `else`, `else if …`) and returns which one.
  const block = (stops: boolean): { nodes: TemplateNode[]; stop: string; line: number } => {
    const nodes: TemplateNode[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if ('text' in p) {
        nodes.push({ t: 'text', text: p.text });
        continue;
      }
      const where = `${file}:${p.action.line}`;
      const [word = '', ...rest] = p.action.body.split(/\s+/);
      const tail = p.action.body.slice(word.length).trim();
      if (word === 'end' || word === 'else') {
        if (!stops) throw new Error(`${where}: unexpected ${word}`);
        return { nodes, stop: p.action.body, line: p.action.line };
      }
      if (word === 'if') {
        const branches = [
          { cond: parsePipe(tokenize(tail, where), where), body: [] as TemplateNode[] },
        ];
        let otherwise: TemplateNode[] = [];
        for (;;) {
          const b = block(true);
          branches[branches.length - 1]!.body = b.nodes;
          if (b.stop === 'end') break;
          if (b.stop === 'else') {
            const e = block(true);
            if (e.stop !== 'end') throw new Error(`${file}:${e.line}: expected end`);
            otherwise = e.nodes;
            break;
          }
          const cond = b.stop.replace(/^else\s+if\s+/, '');
          if (cond === b.stop) throw new Error(`${file}:${b.line}: unsupported ${b.stop}`);
          branches.push({ cond: parsePipe(tokenize(cond, where), where), body: [] });
        }
        nodes.push({ t: 'if', branches, otherwise });
      } else if (word === 'with' || word === 'range') {
        const pipe = parsePipe(tokenize(tail, where), where);
        const b = block(true);
        let otherwise: TemplateNode[] = [];
        if (b.stop === 'else') {
          const e = block(true);
          if (e.stop !== 'end') throw new Error(`${file}:${e.line}: expected end`);
          otherwise = e.nodes;
        } else if (b.stop !== 'end') throw new Error(`${file}:${b.line}: unsupported ${b.stop}`);
        nodes.push({ t: word, pipe, body: b.nodes, otherwise });
      } else if (word === 'define') {
        const name = JSON.parse(rest.join(' ')) as string;
        const b = block(true);
        if (b.stop !== 'end') throw new Error(`${file}:${b.line}: expected end`);
        defines.set(name, b.nodes);
      } else if (['template', 'block', 'break', 'continue'].includes(word)) {
        throw new Error(`${where}: "${word}" is outside the supported subset (use include)`);
      } else {
        nodes.push({ t: 'out', pipe: parsePipe(tokenize(p.action.body, where), where) });
      }
    }
    if (stops) throw new Error(`${file}: missing end`);
    return { nodes, stop: '', line: 0 };
  };
  const { nodes } = block(false);
  return { nodes, defines };
}
