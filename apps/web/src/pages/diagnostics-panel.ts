/**
 * The per-layer diagnostics table of a run and its advice: the lab's view of the trainer's
 * `DiagnosticsReport` (columns from `DIAGNOSTICS_COLUMNS`, flagged cells marked, one line of advice per
 * warning).
 */
import { DIAGNOSTICS_COLUMNS, diagnosticsRows, type DiagnosticsReport } from '@gradwell/trainer';

const fmt = (v: number | undefined, pct = false) =>
  v === undefined || Number.isNaN(v)
    ? '—'
    : pct
      ? `${(v * 100).toFixed(1)}%`
      : Number(v.toPrecision(3)).toString();

/** Adds the title, table and advice list (ids `<prefix>-diagnostics…`, `<prefix>-advice`); returns `show`. */
export function diagnosticsPanel(
  root: HTMLElement,
  prefix: string,
): (report: DiagnosticsReport | undefined, when?: string) => void {
  root.insertAdjacentHTML('beforeend', `<h3 id="${prefix}-diagnostics-title">Diagnostics</h3>`);
  const table = document.createElement('table');
  table.className = 'diagnostics';
  table.id = `${prefix}-diagnostics`;
  root.append(table);
  const advice = document.createElement('ul');
  advice.className = 'advice';
  advice.id = `${prefix}-advice`;
  root.append(advice);
  const title = root.querySelector(`#${prefix}-diagnostics-title`) as HTMLElement;
  const head = document.createElement('thead');
  head.innerHTML = `<tr>${DIAGNOSTICS_COLUMNS.map((c) => `<th>${c.heading}</th>`).join('')}</tr>`;
  const body = document.createElement('tbody');
  table.append(head, body);

  /**
   * The table and its advice. While no epoch has ended they show a row of dashes and a placeholder: the
   * header and the cells' fonts are laid out before training starts, not in the frame of the first epoch's
   * report (a first use of a font size waits on the browser's font service, ≈ 10 ms on a 2-core machine).
   */
  return function showDiagnostics(report: DiagnosticsReport | undefined, when = ''): void {
    title.textContent =
      report === undefined ? 'Diagnostics — waiting for the first epoch' : `Diagnostics ${when}`;
    if (report === undefined) {
      body.innerHTML = `<tr class="waiting">${DIAGNOSTICS_COLUMNS.map((_, i) => `<td>${i === 0 ? 'after the first epoch' : '—'}</td>`).join('')}</tr>`;
      const li = document.createElement('li');
      li.textContent = 'Advice follows the first epoch’s diagnostics.';
      advice.replaceChildren(li);
      return;
    }
    const cell = (v: string | number | undefined, i: number) => {
      const kind = DIAGNOSTICS_COLUMNS[i]?.kind;
      if (kind === 'flags') return `<td class="${v === 'ok' ? 'ok' : 'flag'}">${String(v)}</td>`;
      if (kind === 'text') return `<td>${String(v)}</td>`;
      return `<td>${fmt(v as number | undefined, kind === 'fraction')}</td>`;
    };
    body.innerHTML = diagnosticsRows(report)
      .map((row) => `<tr>${row.map(cell).join('')}</tr>`)
      .join('');
    advice.replaceChildren(
      ...(report.warnings.length === 0
        ? ['No layer is flagged: signal and gradients are in a healthy range.']
        : report.warnings
      ).map((w) => {
        const li = document.createElement('li');
        li.textContent = w;
        if (report.warnings.length > 0) li.className = 'warning';
        return li;
      }),
    );
  };
}
