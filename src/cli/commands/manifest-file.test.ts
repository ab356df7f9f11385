// `agora models add` reads a manifest: refusals name the file, line, column and field; the tokenizer's files and
// the chat template are read relative to the manifest; amounts reach the API as the decimal strings written.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { modelManifestFileSchema } from '../../contracts/models/model-manifest.ts';
import { readManifestFile } from './manifest-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'agora-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `id: tiny-chat
name: Tiny chat
sku:
  digest: sha256:${'a'.repeat(64)}
  quantization: f32
tokenizer: ./tok
chat_template: ./template.jinja
context_length: 1024
prices:
  prompt: "0.0000001"
  completion: "0.0000002"
readiness:
  probes:
    - prompt: Hello
      expect: Hi there
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('reading a model manifest', () => {
  it('reads the tokenizer directory and puts the chat template into its config', async () => {
    mkdirSync(join(dir, 'tok'), { recursive: true });
    writeFileSync(join(dir, 'tok', 'tokenizer.json'), '{"model":{}}');
    writeFileSync(join(dir, 'tok', 'tokenizer_config.json'), '{"chat_template":"old","eos_token":"</s>"}');
    writeFileSync(join(dir, 'template.jinja'), '{{ messages }}');
    const launch = await readManifestFile(write('valid.yaml', VALID));
    expect(launch.tokenizer.json).toBe('{"model":{}}');
    expect(JSON.parse(launch.tokenizer.config)).toEqual({ chat_template: '{{ messages }}', eos_token: '</s>' });
    expect(launch.manifest.prices).toEqual({ prompt: '0.0000001', completion: '0.0000002' });
    expect(launch.manifest).not.toHaveProperty('tokenizer');
    const absolute = await readManifestFile(write('absolute.yaml', VALID.replace('./tok', join(dir, 'tok'))));
    expect(absolute.tokenizer.json).toBe('{"model":{}}');
  });

  it('names the line, column and field of a wrong value, and of a missing one at its parent', async () => {
    const wrong = VALID.replace('  completion: "0.0000002"', '  completion: 0.0000002').replace(
      '      expect: Hi there\n',
      '      max_tokens: many\n',
    );
    const refusal = readManifestFile(write('wrong.yaml', wrong));
    await expect(refusal).rejects.toThrow(/wrong\.yaml:11:15: prices\.completion: expected a quoted string/);
    await expect(refusal).rejects.toThrow(/wrong\.yaml:15:19: readiness\.probes\.0\.max_tokens: /);
    // What the fields say together is checked once each field is right: a chat model's probe needs its answer.
    const unanswered = readManifestFile(write('unanswered.yaml', VALID.replace('      expect: Hi there\n', '')));
    await expect(unanswered).rejects.toThrow(
      /unanswered\.yaml:14:7: readiness\.probes\.0\.expect: the reference's answer to the prompt is required/,
    );
  });

  it('names the line of a YAML syntax error and of an unreadable tokenizer', async () => {
    await expect(readManifestFile(write('syntax.yaml', 'id: x\nsku: [a\nname: y\n'))).rejects.toThrow(
      /syntax\.yaml:3:1: /,
    );
    await expect(readManifestFile(write('no-tok.yaml', VALID.replace('./tok', './missing')))).rejects.toThrow(
      /no-tok\.yaml:6:12: tokenizer: cannot read .*missing/,
    );
  });

  it('holds the example manifest in docs/examples to the schema', async () => {
    const example = await readFile(
      join(import.meta.dirname, '../../../docs/examples/qwen2.5-0.5b-instruct.model.yaml'),
      'utf8',
    );
    expect(modelManifestFileSchema.safeParse(parse(example)).success).toBe(true);
  });
});
