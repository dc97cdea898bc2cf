import { createRandom } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { channelMean } from './channel-reductions';

describeOnBackends('channelMean', () => {
  test('equals the float64 mean per channel of a [64, 28, 28, 4] tensor to 1e-5 relative', async () => {
    const x = createRandom(2).normalTensor([64, 28, 28, 4], 3, 2);
    const values = x.dataSync();
    const expected = [0, 1, 2, 3].map((c) => {
      let total = 0;
      for (let i = c; i < values.length; i += 4) total += values[i] as number;
      return total / (values.length / 4);
    });
    const got = await expectNoLeakedTensors(() => {
      const mean = channelMean(x);
      const data = Array.from(mean.dataSync());
      mean.dispose();
      return data;
    });
    got.forEach((g, c) =>
      expect(Math.abs(g - (expected[c] as number)) / Math.abs(expected[c] as number)).toBeLessThan(1e-5),
    );
    x.dispose();
  });
});
