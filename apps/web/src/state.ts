/**
 * What the page exposes for people (the banner) and for the end-to-end tests (`window.gradwell`): the
 * backend report and each page's status.
 */
import type { BackendReport } from '@gradwell/core';
import type { WorkerMemory } from './worker/protocol';

export interface PageStatus {
  page: string;
  ready: boolean;
  /** Why the page's last run or study failed (cleared when the next one starts). */
  error?: string | undefined;
  [key: string]: unknown;
}

export interface GradwellWindowState {
  /** The training worker's backend (threaded SIMD when isolated). */
  backend?: BackendReport & { crossOriginIsolated: boolean };
  /** The page thread's own backend (SIMD, one thread: figures). */
  pageBackend?: BackendReport;
  status: PageStatus;
  /** The page thread's tensors (the end-to-end tests check that redrawing a figure leaves none behind). */
  pageTensors?: () => number;
  /** The training worker's tensors (the end-to-end tests check that runs and studies leave none behind). */
  workerMemory?: () => Promise<WorkerMemory>;
}

declare global {
  interface Window {
    gradwell: GradwellWindowState;
  }
}

window.gradwell = { status: { page: '', ready: false } };

export function setStatus(update: Partial<PageStatus>): void {
  window.gradwell.status = { ...window.gradwell.status, ...update };
}

/** A labelled control appended to `parent`. */
export function control<K extends 'input' | 'select'>(
  parent: HTMLElement,
  label: string,
  tag: K,
  setup: (element: HTMLElementTagNameMap[K]) => void,
): HTMLElementTagNameMap[K] {
  const wrapper = document.createElement('label');
  wrapper.append(label);
  const element = document.createElement(tag);
  setup(element);
  wrapper.append(element);
  parent.append(wrapper);
  return element;
}

export function select(
  parent: HTMLElement,
  label: string,
  id: string,
  options: string[],
  value: string,
): HTMLSelectElement {
  return control(parent, label, 'select', (s) => {
    s.id = id;
    for (const o of options) s.add(new Option(o, o, false, o === value));
  });
}

export function range(
  parent: HTMLElement,
  label: string,
  id: string,
  min: number,
  max: number,
  step: number,
  value: number,
): HTMLInputElement {
  return control(parent, label, 'input', (i) => {
    Object.assign(i, {
      id,
      type: 'range',
      min: String(min),
      max: String(max),
      step: String(step),
      value: String(value),
    });
    const shown = document.createElement('span');
    shown.textContent = String(value);
    i.addEventListener('input', () => (shown.textContent = i.value));
    queueMicrotask(() => i.after(shown));
  });
}

export function checkbox(parent: HTMLElement, label: string, id: string, checked = false): HTMLInputElement {
  return control(parent, label, 'input', (i) => Object.assign(i, { id, type: 'checkbox', checked }));
}

export function numberInput(
  parent: HTMLElement,
  label: string,
  id: string,
  value: number,
  width = 5,
): HTMLInputElement {
  return control(parent, label, 'input', (i) => {
    Object.assign(i, { id, type: 'number', value: String(value) });
    i.style.width = `${width}em`;
  });
}

/** A number field that checks itself: an inline message (and aria-invalid) while its value is out of range. */
export interface CheckedNumber {
  input: HTMLInputElement;
  /** The value when valid, else undefined (and the message shown). */
  read(): number | undefined;
}

/** A whole-number field in [min, max] (a count: epochs, digits, patience), sized for `max`'s digits. */
export function checkedInteger(
  parent: HTMLElement,
  label: string,
  id: string,
  value: number,
  [min, max]: [number, number],
): CheckedNumber {
  return checkedNumber(parent, label, id, value, { min, max, integer: true, width: String(max).length + 1 });
}

export function checkedNumber(
  parent: HTMLElement,
  label: string,
  id: string,
  value: number,
  { min, max, integer = false, width = 5 }: { min: number; max: number; integer?: boolean; width?: number },
): CheckedNumber {
  const input = numberInput(parent, label, id, value, width);
  Object.assign(input, { min: String(min), max: String(max), step: integer ? '1' : 'any' });
  const message = document.createElement('span');
  message.className = 'field-error';
  message.id = `${id}-error`;
  message.setAttribute('role', 'alert');
  input.setAttribute('aria-describedby', message.id);
  (input.parentElement as HTMLElement).append(message);
  const read = (): number | undefined => {
    const raw = input.value.trim();
    const v = Number(raw);
    const ok = raw !== '' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
    message.textContent = ok ? '' : `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
    input.setAttribute('aria-invalid', String(!ok));
    return ok ? v : undefined;
  };
  input.addEventListener('input', read);
  return { input, read };
}

export function section(parent: HTMLElement, className: string): HTMLDivElement {
  const div = document.createElement('div');
  div.className = className;
  parent.append(div);
  return div;
}
