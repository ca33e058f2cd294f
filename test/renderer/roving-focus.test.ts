import { describe, expect, it } from 'vitest';
import { stepOf } from '../../src-renderer/src/use-roving-focus';

describe('a list walked with the arrow keys (roving tabindex)', () => {
  it('moves one item with Up and Down, stopping at either end rather than wrapping', () => {
    expect(stepOf('ArrowDown', 0, 3)).toBe(1);
    expect(stepOf('ArrowDown', 2, 3)).toBe(2);
    expect(stepOf('ArrowUp', 1, 3)).toBe(0);
    expect(stepOf('ArrowUp', 0, 3)).toBe(0);
  });

  it('jumps to the first item with Home and the last with End', () => {
    expect(stepOf('Home', 2, 5)).toBe(0);
    expect(stepOf('End', 0, 5)).toBe(4);
  });

  it('leaves every other key, and an empty list, to the item', () => {
    for (const key of ['Enter', ' ', 'ArrowRight', 'ArrowLeft', 'Tab', 'a']) expect(stepOf(key, 1, 3)).toBeUndefined();
    expect(stepOf('ArrowDown', 0, 0)).toBeUndefined();
  });
});
