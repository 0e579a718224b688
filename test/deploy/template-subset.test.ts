// The Go-template subset renderer that stands in for `helm template` on machines without helm.
// Each case states what Go's text/template and Helm do with the same input.
import { describe, expect, it } from 'vitest';

import { TemplateRunner } from './template-exec.js';
import { parseTemplate } from './template-parse.js';

function render(src: string, root: unknown): string {
  const p = parseTemplate(src, 't.yaml');
  return new TemplateRunner(p.defines).render(p.nodes, root);
}

describe('template subset', () => {
  it('trims whitespace on the marked side of an action only', () => {
    expect(render('a  {{- .x -}}  b', { x: 1 })).toBe('a1b');
    expect(render('a\n  {{- .x }}\nb', { x: 1 })).toBe('a1\nb');
    expect(render('a {{ .x -}}\n\n b', { x: 1 })).toBe('a 1b');
    expect(render('a {{/* note */}}b', {})).toBe('a b');
  });

  it('follows Go truth for if / else if / else', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
    expect(render(t, { a: 1, b: 1 })).toBe('A');
    expect(render(t, { a: [], b: 'x' })).toBe('B');
    expect(render(t, { a: {}, b: 0 })).toBe('C');
    expect(render(t, { a: '', b: null })).toBe('C');
  });

  it('ranges over lists and sorted map keys, with variables and else', () => {
    expect(render('{{ range .l }}[{{ . }}]{{ end }}', { l: ['x', 'y'] })).toBe('[x][y]');
    expect(
      render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } }),
    ).toBe('a=1;b=2;');
    expect(render('{{ range .l }}x{{ else }}none{{ end }}', { l: [] })).toBe('none');
    expect(render('{{ range .l }}{{ $.p }}{{ . }}{{ end }}', { l: [1, 2], p: '-' })).toBe('-1-2');
  });

  it('with rebinds the dot, and skips empty values', () => {
    expect(render('{{ with .a }}{{ .b }}{{ end }}', { a: { b: 'v' } })).toBe('v');
    expect(render('{{ with .a }}x{{ else }}y{{ end }}', { a: {} })).toBe('y');
  });

  it('includes defined templates and pipes values into functions as the last argument', () => {
    const t = '{{- define "n" -}}{{ .x | default "d" }}{{- end -}}{{ include "n" . | quote }}';
    expect(render(t, { x: '' })).toBe('"d"');
    expect(render(t, { x: 'v' })).toBe('"v"');
    expect(render('{{ printf "%s-%s" .a (.b | trunc 2) }}', { a: 'x', b: 'yyy' })).toBe('x-yy');
    expect(render('{{ $v := .a }}{{ $v }}', { a: 3 })).toBe('3');
    expect(render('{{ and .a .b }}|{{ or .a .b }}', { a: 0, b: 'z' })).toBe('0|z');
  });

  it('writes YAML the way toYaml and nindent do: sorted keys, no trailing newline', () => {
    expect(render('k:{{ toYaml .m | nindent 2 }}', { m: { b: [1], a: 'x' } })).toBe(
      'k:\n  a: x\n  b:\n    - 1',
    );
    expect(render('{{ toYaml .m }}', { m: {} })).toBe('{}');
  });

  it('fails like Helm on a field of a missing value, and on fail and required', () => {
    expect(() => render('{{ .a.b }}', {})).toThrow(/nil pointer/);
    expect(render('{{ .a }}', {})).toBe('');
    expect(() => render('{{ fail "stop" }}', {})).toThrow('stop');
    expect(() => render('{{ required "need x" .x }}', {})).toThrow('need x');
  });

  it('rejects what is outside the subset instead of guessing', () => {
    expect(() => render('{{ lookup "v1" "Secret" "ns" "n" }}', {})).toThrow(
      /outside the supported subset/,
    );
    expect(() => parseTemplate('{{ template "x" . }}', 't')).toThrow(
      /outside the supported subset/,
    );
    expect(() => render('{{ .m }}', { m: { a: 1 } })).toThrow(/toYaml/);
    expect(() => parseTemplate('{{ if .a }}x', 't')).toThrow(/missing end/);
    expect(() => parseTemplate('{{ end }}', 't')).toThrow(/unexpected end/);
  });
});
