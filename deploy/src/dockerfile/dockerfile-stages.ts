/**
 * A Dockerfile as stages of instructions, parsed by dockerfile-ast (the parser behind VS Code's Docker language
 * server), with ARG defaults resolved in FROM lines and exec-form (JSON) commands decoded. The checks over it
 * live in deploy/test/dockerfile.test.ts; hadolint is not packaged here.
 */
import { DockerfileParser } from 'dockerfile-ast';

export interface Step {
  keyword: string;
  /** The arguments as written, flags excluded. */
  args: string;
  flags: Record<string, string | null>;
  line: number;
  /** The command of an exec-form CMD, ENTRYPOINT or HEALTHCHECK CMD; null for the shell form. */
  exec: string[] | null;
}

export interface Stage {
  name: string | null;
  /** The FROM image with ARG defaults substituted (`node:24-slim`), or another stage's name. */
  from: string;
  line: number;
  steps: Step[];
}

function execForm(text: string): string[] | null {
  if (!text.trim().startsWith('[')) return null;
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
    throw new Error(`not a JSON array of strings: ${text}`);
  return parsed;
}

export function parseDockerfile(text: string): Stage[] {
  const df = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    const [name, value] = (a.getArgumentsContent() ?? '').split('=');
    if (name && value !== undefined) args.set(name, value);
  }
  const stages: Stage[] = [];
  for (const i of df.getInstructions()) {
    const keyword = i.getKeyword();
    const content = i.getArgumentsContent() ?? '';
    const line = i.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const from = df.getFROMs().find((f) => f.getRange().start.line + 1 === line)!;
      const image = (from.getImage() ?? '').replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_, n: string) => args.get(n) ?? '',
      );
      stages.push({ name: from.getBuildStage(), from: image, line, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARGs before the first FROM
    const flags: Record<string, string | null> = {};
    const withFlags = i as unknown as {
      getFlags?: () => Array<{ getName(): string; getValue(): string | null }>;
    };
    for (const f of withFlags.getFlags?.() ?? []) flags[f.getName()] = f.getValue();
    let exec: string[] | null = null;
    if (keyword === 'CMD' || keyword === 'ENTRYPOINT') exec = execForm(content);
    if (keyword === 'HEALTHCHECK' && /^CMD\s/.test(content)) exec = execForm(content.replace(/^CMD\s+/, ''));
    stage.steps.push({ keyword, args: content, flags, line, exec });
  }
  return stages;
}

/** The chain of stages a target is built on, the target first (`web` → `runtime` → `base`). */
export function lineage(stages: Stage[], target: string): Stage[] {
  const out: Stage[] = [];
  let current = stages.find((s) => s.name === target);
  while (current) {
    out.push(current);
    const parent = current.from;
    current = stages.find((s) => s.name === parent);
  }
  return out;
}

/** A .dockerignore matcher with Docker's rules for the patterns Ferry uses: `*`, `**`, `!` exceptions, prefixes. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '(?:.*)'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path: string) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(path)) ignored = !r.negate;
    return ignored;
  };
}
