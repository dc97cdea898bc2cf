/**
 * Where output goes: human lines to stdout (or to stderr under --json, so stdout carries one JSON
 * document), colour only on a terminal (NO_COLOR / FORCE_COLOR respected), tables via cli-table3.
 */
import Table from 'cli-table3';
import pc from 'picocolors';

export interface OutputOptions {
  json?: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  readonly json: boolean;
  readonly color: Colors;
  /** Whether stderr is a terminal (progress bars). */
  readonly interactive: boolean;
  /** A line for people. */
  line(text?: string): void;
  /** A table for people. */
  table(head: string[], rows: Array<Array<string | number>>): void;
  /** The machine-readable result (printed only with --json). */
  result(value: unknown): void;
  /** A warning line (yellow), always on stderr. */
  warn(text: string): void;
}

/** Colours for a stream: only on a terminal (not TERM=dumb), NO_COLOR and FORCE_COLOR respected. */
export function colorsFor(stream: NodeJS.WriteStream): Colors {
  return pc.createColors(colorEnabled(stream));
}

function colorEnabled(stream: NodeJS.WriteStream): boolean {
  if ('NO_COLOR' in process.env) return false;
  if ('FORCE_COLOR' in process.env) return process.env.FORCE_COLOR !== '0';
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

export function createOutput({ json = false }: OutputOptions = {}): Output {
  const human = json ? process.stderr : process.stdout;
  const color = colorsFor(human);
  return {
    json,
    color,
    interactive: process.stderr.isTTY === true && !json,
    line(text = '') {
      human.write(`${text}\n`);
    },
    table(head, rows) {
      // Compact: no rule between rows (a 30-layer diagnostics table stays 30 lines).
      const table = new Table({
        head: head.map((h) => color.bold(h)),
        style: { head: [], border: [] },
        chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      });
      for (const row of rows) table.push(row.map(String));
      human.write(`${table.toString()}\n`);
    },
    result(value) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    warn(text) {
      process.stderr.write(`${colorsFor(process.stderr).yellow(`warning: ${text}`)}\n`);
    },
  };
}

/** 0.9812 → "98.12%". */
export function percent(value: number | undefined, digits = 2): string {
  return value === undefined || Number.isNaN(value) ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** A number with `digits` significant digits, or — . */
export function num(value: number | undefined, digits = 4): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(digits)).toString();
}
