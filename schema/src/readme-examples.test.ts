import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './composition.js';
import { exampleChange, withExamples } from './readme-examples.js';

describe('README examples', () => {
  it('replaces each marked block with its fenced output and refuses a block nothing generates', () => {
    const readme = 'intro\n<!-- readme-example: demo -->\n```\nold output\n```\n<!-- /readme-example -->\nrest\n';
    expect(withExamples(readme, { demo: 'new output\n' })).toBe('intro\n<!-- readme-example: demo -->\n```\nnew output\n```\n<!-- /readme-example -->\nrest\n');
    expect(() => withExamples(readme, {})).toThrow('README marks an example "demo" that no generator produces');
  });

  it('applies the documented change to the real products schema: stock and active removed, color added', () => {
    const changed = exampleChange(readFileSync(path.join(repoRoot, 'subgraphs/products/schema.graphql'), 'utf8'));
    const product = /type Product @key[^{]*\{([^}]*)\}/.exec(changed)![1]!;
    expect(product).not.toMatch(/^\s+stock:/m);
    expect(product).not.toMatch(/^\s+active:/m);
    expect(product).toContain('color: String');
    expect(() => exampleChange('type Product { id: ID! }')).toThrow('Product.stock not found');
  });
});
