/**
 * Where a trained network goes wrong: the validation set's confusion matrix as a table, each row shaded by
 * the share of its digit's examples (the diagonal holds most; the errors stand out off it), each row's
 * recall, and the pairs of digits mixed up most.
 */
import { classificationReport, mostConfused } from '@gradwell/trainer';

export interface ConfusionPanel {
  show(matrix: number[][]): void;
  clear(): void;
}

export function confusionPanel(root: HTMLElement, id: string): ConfusionPanel {
  const title = document.createElement('h3');
  title.id = `${id}-title`;
  title.textContent = 'Where it goes wrong';
  const note = document.createElement('p');
  note.className = 'note';
  note.id = `${id}-note`;
  const table = document.createElement('table');
  table.className = 'diagnostics confusion';
  table.id = id;
  table.setAttribute('aria-describedby', note.id);
  root.append(title, note, table);
  const clear = () => {
    note.textContent = 'After a run: its validation digits by true digit (rows) and prediction (columns).';
    table.replaceChildren();
  };
  clear();
  return {
    clear,
    show(matrix) {
      const report = classificationReport(matrix);
      const head = document.createElement('tr');
      for (const text of ['digit \\ predicted', ...matrix.map((_, j) => String(j)), 'recall']) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = text;
        head.append(th);
      }
      const rows = matrix.map((row, i) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.scope = 'row';
        th.textContent = String(i);
        tr.append(th);
        const support = report.perClass[i]?.support ?? 0;
        row.forEach((count, j) => {
          const td = document.createElement('td');
          td.textContent = String(count);
          const share = support === 0 ? 0 : count / support;
          // the row's share as the accent's opacity; light text on the darkest cells
          td.style.background = `color-mix(in srgb, var(--accent) ${Math.round(share * 100)}%, transparent)`;
          if (share > 0.5) td.style.color = 'var(--accent-ink)';
          td.title = `${i} predicted as ${j}: ${count} of ${support} (${(share * 100).toFixed(1)}%)`;
          tr.append(td);
        });
        const recall = document.createElement('td');
        recall.textContent = `${((report.perClass[i]?.recall ?? 0) * 100).toFixed(1)}%`;
        tr.append(recall);
        return tr;
      });
      const thead = document.createElement('thead');
      thead.append(head);
      const tbody = document.createElement('tbody');
      tbody.append(...rows);
      table.replaceChildren(thead, tbody);
      const confused = mostConfused(matrix, 3);
      note.textContent =
        `${report.examples} validation digits, ${(report.accuracy * 100).toFixed(2)}% right` +
        (confused.length === 0
          ? '.'
          : `; mixed up most: ${confused.map((c) => `${c.label} taken for ${c.predicted} (${c.count})`).join(', ')}.`);
    },
  };
}
