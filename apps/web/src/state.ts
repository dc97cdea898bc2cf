/**
 * What the page exposes for people (the banner) and for the end-to-end tests (`window.gradwell`): the
 * backend report and each page's status.
 */
import type { BackendReport } from '@gradwell/core';

export interface PageStatus {
  page: string;
  ready: boolean;
  [key: string]: unknown;
}

export interface GradwellWindowState {
  backend?: BackendReport & { crossOriginIsolated: boolean; multithreadSupport: boolean };
  status: PageStatus;
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

export function section(parent: HTMLElement, className: string): HTMLDivElement {
  const div = document.createElement('div');
  div.className = className;
  parent.append(div);
  return div;
}
