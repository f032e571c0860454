import { describe, expect, it } from 'vitest';
import { eventDataSchemas } from '../../../src/events/catalogue.js';
import { declaredProjections } from '../../../src/projections/declared.js';
import { eventDescriptions } from '../../../src/projections/describe.js';

const catalogue = Object.keys(eventDataSchemas).sort();

describe('the declared projections', () => {
  it('each has exactly one handler per event type it reads, and reads only catalogue types', () => {
    for (const p of declaredProjections) {
      expect(Object.keys(p.on).sort(), p.name).toEqual([...p.reads].sort());
      for (const type of p.reads) expect(typeof (p.on as Record<string, unknown>)[type], `${p.name}: ${type}`).toBe('function');
      for (const type of p.reads) expect(catalogue, `${p.name} reads ${type}`).toContain(type);
    }
    expect(new Set(declaredProjections.map((p) => p.name)).size).toBe(declaredProjections.length);
  });

  it('read every event type of the catalogue between them: nothing recorded is folded by no view', () => {
    const read = new Set(declaredProjections.flatMap((p) => [...p.reads] as string[]));
    expect(catalogue.filter((t) => !read.has(t))).toEqual([]);
  });

  it('every event type has a one-line description', () => {
    for (const type of catalogue) {
      const about = (eventDescriptions as Record<string, { about: string } | undefined>)[type]?.about;
      expect(about, type).toMatch(/^\S.{9,}$/);
      expect(about, type).not.toContain('\n');
    }
  });
});
