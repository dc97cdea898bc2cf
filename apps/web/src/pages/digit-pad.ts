/**
 * Try the trained network on your own handwriting: a pad to draw a digit on, prepared as MNIST's digits
 * were (LeCun et al.: the ink's bounding box scaled to fit 20 × 20 keeping its aspect, anti-aliased, then
 * placed in 28 × 28 with its centre of mass at the centre), and the network's three likeliest digits.
 */
import { setStatus } from '../state';

const SIDE = 280;

export interface DigitPad {
  /** Lets the pad classify with the model the lab trained last. */
  enable(): void;
}

/** The drawing as MNIST's preparation makes it: 28 × 28 values in [0, 1]; undefined when nothing is drawn. */
function mnistPixels(source: HTMLCanvasElement): Float32Array | undefined {
  const { data } = (source.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, SIDE, SIDE);
  let [left, top, right, bottom] = [SIDE, SIDE, -1, -1];
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++)
      if ((data[(y * SIDE + x) * 4] as number) > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
  if (right < 0) return undefined;
  const [width, height] = [right - left + 1, bottom - top + 1];
  const scale = 20 / Math.max(width, height);
  const [w, h] = [Math.max(1, width * scale), Math.max(1, height * scale)];
  const small = document.createElement('canvas');
  small.width = small.height = 28;
  const context = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  context.imageSmoothingQuality = 'high';
  const draw = (dx: number, dy: number) => {
    context.fillStyle = 'black';
    context.fillRect(0, 0, 28, 28);
    context.drawImage(source, left, top, width, height, dx, dy, w, h);
    const pixels = context.getImageData(0, 0, 28, 28).data;
    return Float32Array.from({ length: 784 }, (_, i) => (pixels[i * 4] as number) / 255);
  };
  const boxed = draw((28 - w) / 2, (28 - h) / 2);
  // centre of mass to the centre, by whole pixels
  let [mass, mx, my] = [0, 0, 0];
  boxed.forEach((v, i) => {
    mass += v;
    mx += v * (i % 28);
    my += v * Math.floor(i / 28);
  });
  const shiftX = Math.round(13.5 - mx / mass);
  const shiftY = Math.round(13.5 - my / mass);
  return draw((28 - w) / 2 + shiftX, (28 - h) / 2 + shiftY);
}

export function digitPad(
  root: HTMLElement,
  classify: (pixels: Float32Array) => Promise<number[] | undefined>,
): DigitPad {
  root.insertAdjacentHTML(
    'beforeend',
    `<h3>Try it: draw a digit</h3>
     <p class="note" id="lab-pad-note">Train a network first; then draw a digit here (light on dark, as MNIST's).</p>
     <div class="pad"><canvas id="lab-pad" width="${SIDE}" height="${SIDE}" aria-label="drawing pad"></canvas>
       <div><ol id="lab-guess"></ol><button id="lab-pad-clear">clear</button></div></div>`,
  );
  const canvas = root.querySelector('#lab-pad') as HTMLCanvasElement;
  const note = root.querySelector('#lab-pad-note') as HTMLElement;
  const guess = root.querySelector('#lab-guess') as HTMLOListElement;
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  let enabled = false;
  let drawing = false;
  let guesses = 0;
  const clear = () => {
    context.fillStyle = 'black';
    context.fillRect(0, 0, SIDE, SIDE);
    guess.replaceChildren();
  };
  clear();
  const at = (event: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * SIDE) / box.width, ((event.clientY - box.top) * SIDE) / box.height];
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!enabled) return;
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    Object.assign(context, { strokeStyle: 'white', lineWidth: 22, lineCap: 'round', lineJoin: 'round' });
    context.beginPath();
    context.moveTo(...at(event));
    context.lineTo(...at(event));
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    context.lineTo(...at(event));
    context.stroke();
  });
  // after each stroke (and on a pointerup without one: the end-to-end test draws by other means)
  canvas.addEventListener('pointerup', () => {
    drawing = false;
    read();
  });
  /** Classifies the drawing (if any) with the model trained last. */
  function read(): void {
    const pixels = enabled ? mnistPixels(canvas) : undefined;
    if (pixels === undefined) return;
    void classify(pixels).then((probabilities) => {
      if (probabilities === undefined) return;
      const top = probabilities
        .map((p, digit) => ({ digit, p }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 3);
      guess.replaceChildren(
        ...top.map(({ digit, p }) => {
          const li = document.createElement('li');
          li.textContent = `${digit} — ${(p * 100).toFixed(1)}%`;
          return li;
        }),
      );
      setStatus({ guess: top, guesses: ++guesses });
    });
  }
  (root.querySelector('#lab-pad-clear') as HTMLButtonElement).addEventListener('click', clear);
  return {
    enable() {
      enabled = true;
      read(); // a drawing already there, by the new model
      note.textContent =
        'Draw a digit with the mouse or a finger; the network trained last reads it after each stroke.';
    },
  };
}
