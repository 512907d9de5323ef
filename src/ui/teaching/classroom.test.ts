import { describe, expect, it } from 'vitest';
import { parseClassroom } from './classroom';

describe('classroom links', () => {
  it('hide what they name and open a lesson', () => {
    const c = parseClassroom('?hide=alpha,demos&lesson=polyak');
    expect([...c.hidden]).toEqual(['alpha', 'demos']);
    expect(c.lesson!.steps.length).toBe(3);
    expect(c.notices).toEqual([]);
  });
  it('ignore unknown names with a notice, and never fail', () => {
    const c = parseClassroom('?hide=alpha,<script>&lesson=nope');
    expect([...c.hidden]).toEqual(['alpha']);
    expect(c.lesson).toBeNull();
    expect(c.notices).toHaveLength(2);
    expect(parseClassroom('').hidden.size).toBe(0);
  });
});
