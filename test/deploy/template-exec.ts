/** Executes templates parsed by template-parse.ts with Helm's data model and functions. */
import { FUNCS, truthy } from './template-funcs.js';
import type { Operand, Pipe, TemplateNode } from './template-parse.js';

type Scope = Map<string, unknown>[];

export class TemplateRunner {
  constructor(private readonly defines: ReadonlyMap<string, TemplateNode[]>) {}

  /** Renders `nodes` with `root` as both `.` and `$`. */
  render(nodes: readonly TemplateNode[], root: unknown): string {
    return this.exec(nodes, root, [new Map([['$', root]])]);
  }

  private exec(nodes: readonly TemplateNode[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const n of nodes) {
      if (n.t === 'text') out += n.text;
      else if (n.t === 'out') {
        const v = this.pipe(n.pipe, dot, scope);
        if (n.pipe.decl.length > 0) continue;
        if (v !== null && typeof v === 'object') {
          throw new Error('printing a map or list is outside the subset: pipe it to toYaml');
        }
        out += v === null || v === undefined ? '' : String(v);
      } else if (n.t === 'if') {
        const inner: Scope = [...scope, new Map()];
        const hit = n.branches.find((b) => truthy(this.pipe(b.cond, dot, inner)));
        out += this.exec(hit ? hit.body : n.otherwise, dot, inner);
      } else if (n.t === 'with') {
        const inner: Scope = [...scope, new Map()];
        const v = this.pipe(n.pipe, dot, inner);
        out += truthy(v) ? this.exec(n.body, v, inner) : this.exec(n.otherwise, dot, inner);
      } else {
        const v = this.pipe({ decl: [], cmds: n.pipe.cmds }, dot, scope);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v !== null && typeof v === 'object'
            ? Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]])
            : [];
        if (v !== null && v !== undefined && typeof v !== 'object') {
          throw new Error(`range over ${typeof v}`);
        }
        if (entries.length === 0) out += this.exec(n.otherwise, dot, scope);
        for (const [k, x] of entries) {
          const vars = new Map<string, unknown>();
          const [a, b] = n.pipe.decl;
          if (a !== undefined && b !== undefined) vars.set(a, k).set(b, x);
          else if (a !== undefined) vars.set(a, x);
          out += this.exec(n.body, x, [...scope, vars]);
        }
      }
    }
    return out;
  }

  private lookup(scope: Scope, name: string): unknown {
    for (let i = scope.length - 1; i >= 0; i--) if (scope[i]!.has(name)) return scope[i]!.get(name);
    throw new Error(`undefined variable ${name}`);
  }

  private field(start: unknown, path: readonly string[]): unknown {
    let cur = start;
    for (const p of path) {
      // Helm fails on a field of a missing value; so do we, so both agree on bad values.
      if (cur === null || cur === undefined) throw new Error(`nil pointer evaluating .${p}`);
      if (typeof cur !== 'object') throw new Error(`can't evaluate field ${p} in ${typeof cur}`);
      cur = (cur as Record<string, unknown>)[p];
    }
    return cur;
  }

  private operand(o: Operand, dot: unknown, scope: Scope): unknown {
    if (o.k === 'lit') return o.v;
    if (o.k === 'sub') return this.pipe(o.pipe, dot, scope);
    if (o.k === 'field') {
      const base =
        o.base === 'dot'
          ? dot
          : o.base === 'root'
            ? this.lookup(scope, '$')
            : this.lookup(scope, o.name!);
      return this.field(base, o.path);
    }
    return this.call(o.name, [], dot, scope);
  }

  private call(name: string, args: unknown[], _dot: unknown, _scope: Scope): unknown {
    if (name === 'include') {
      const body = this.defines.get(String(args[0]));
      if (!body) throw new Error(`no template "${String(args[0])}"`);
      return this.render(body, args[1]);
    }
    if (name === 'and') return args.find((a) => !truthy(a)) ?? args[args.length - 1];
    if (name === 'or') return args.find((a) => truthy(a)) ?? args[args.length - 1];
    const fn = FUNCS[name];
    if (!fn) throw new Error(`function "${name}" is outside the supported subset`);
    return fn(...args);
  }

  private pipe(p: Pipe, dot: unknown, scope: Scope): unknown {
    let prev: unknown;
    p.cmds.forEach((cmd, i) => {
      const [head, ...rest] = cmd;
      const piped = i > 0 ? [prev] : [];
      if (head!.k === 'fn') {
        const args = rest.map((o) => this.operand(o, dot, scope));
        prev = this.call(head!.name, [...args, ...piped], dot, scope);
      } else {
        if (rest.length > 0 || piped.length > 0) throw new Error('cannot call a non-function');
        prev = this.operand(head!, dot, scope);
      }
    });
    const top = scope[scope.length - 1]!;
    for (const name of p.decl) top.set(name, prev);
    return prev;
  }
}
