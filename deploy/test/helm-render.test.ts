// The renderer itself (deploy/helm-render/main.go on Go's text/template): each function of the documented
// subset gives what Helm gives for the same template, and what it does not implement fails loudly.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployCheckError } from '../src/errors.ts';
import { renderChart } from '../src/helm/render-chart.ts';

function chartWith(template: string, values = 'a: b\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-chart-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 1.2.3\nappVersion: "4.5"\n');
  writeFileSync(join(dir, 'values.yaml'), values);
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), '{{ define "t.name" }}n-{{ .Values.a }}{{ end }}');
  writeFileSync(join(dir, 'templates', 'x.yaml'), template);
  return dir;
}

function renderOne(template: string, values?: string): Record<string, unknown> {
  const { documents } = renderChart({ chartDir: chartWith(template, values) });
  expect(documents).toHaveLength(1);
  return documents[0]!.doc;
}

describe('helm-render (Go text/template with the chart function subset)', () => {
  const cases: Array<[string, string, string | undefined, Record<string, unknown>]> = [
    ['include + a define from a partial', 'v: {{ include "t.name" . }}', undefined, { v: 'n-b' }],
    ['a missing value renders empty (non-strict)', 'v: "{{ .Values.nope }}"', undefined, { v: '' }],
    ['default takes over when empty', 'v: {{ default "d" .Values.nope }}', undefined, { v: 'd' }],
    ['default keeps a given value', 'v: {{ default "d" .Values.a }}', undefined, { v: 'b' }],
    ['quote', 'v: {{ 5 | quote }}', undefined, { v: '5' }],
    ['numbers are JSON numbers, as in Helm', 'v: {{ .Values.n }}', 'n: 3\n', { v: 3 }],
    [
      'toYaml + nindent of nested maps and lists',
      'v:{{ toYaml .Values.m | nindent 2 }}',
      'm: {z: [1, {k: "true"}], a: {}, s: "x: y"}\n',
      { v: { a: {}, s: 'x: y', z: [1, { k: 'true' }] } },
    ],
    [
      '.Chart and .Release',
      'v: {{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.AppVersion }}-{{ .Release.Name }}-{{ .Release.Namespace }}',
      undefined,
      { v: 't-1.2.3-4.5-ferry-default' },
    ],
    ['dict and index into it', 'v: {{ (dict "k" "w").k }}', undefined, { v: 'w' }],
    ['trunc and trimSuffix', 'v: {{ "abcdef-" | trunc 7 | trimSuffix "-" }}', undefined, { v: 'abcdef' }],
    ['empty and ternary', 'v: {{ ternary "yes" "no" (empty .Values.nope) }}', undefined, { v: 'yes' }],
    [
      'sha256sum',
      'v: {{ "abc" | sha256sum }}',
      undefined,
      {
        v: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      },
    ],
  ];
  for (const [name, template, values, expected] of cases)
    it(name, () => {
      expect(renderOne(template, values)).toEqual(expected);
    });

  it('required fails with its message', () => {
    expect(() =>
      renderChart({ chartDir: chartWith('v: {{ required "v is needed" .Values.nope }}') }),
    ).toThrow(/v is needed/);
  });

  it('a function outside the subset is a parse error, not a silent pass', () => {
    try {
      renderChart({ chartDir: chartWith('v: {{ .Values.a | sha1sum }}') });
      expect.unreachable();
    } catch (e) {
      expect((e as DeployCheckError).code).toBe('RENDER_FAILED');
      expect((e as Error).message).toMatch(/function "sha1sum" not defined/);
    }
  });

  it('a template that renders broken YAML is reported with its source', () => {
    expect(() => renderChart({ chartDir: chartWith('a: 1\na: 2\n') })).toThrow(
      /t\/templates\/x\.yaml.*invalid YAML/s,
    );
  });
});
