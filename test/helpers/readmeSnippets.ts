/** The README's code blocks marked `<!-- readme-test: NAME … -->`, so tests run what people copy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const marker = new RegExp(`<!-- readme-test: ${name}\\b[^>]*-->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``);
  const found = marker.exec(readme)?.[1];
  if (!found) throw new Error(`README.md has no \`\`\`ts block marked readme-test: ${name}`);
  return found;
}
