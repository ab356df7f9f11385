// A chat request's tools and answer format, checked before anything is metered or held: `tool_choice` and
// `parallel_tool_calls` need tools, a named choice names one of them, names are unique, and every JSON Schema
// (a tool's `parameters`, `response_format.json_schema.schema`) compiles — each refusal names its `param`.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { ChatCompletionRequest } from '../../contracts/openai/completion-request.ts';
import { compileJsonSchema } from './json-schemas.ts';

/** A JSON Schema in a request, with the parameter that holds it. */
export type RequestSchema = { param: string; schema: Record<string, unknown> };

export function requestSchemas(body: Pick<ChatCompletionRequest, 'tools' | 'response_format'>): RequestSchema[] {
  const schemas: RequestSchema[] = (body.tools ?? []).flatMap((tool, i) =>
    tool.function.parameters ? [{ param: `tools.${i}.function.parameters`, schema: tool.function.parameters }] : [],
  );
  const format = body.response_format;
  if (format?.type === 'json_schema' && format.json_schema.schema)
    schemas.push({ param: 'response_format.json_schema.schema', schema: format.json_schema.schema });
  return schemas;
}

export function checkToolRequest(body: ChatCompletionRequest): void {
  const names = (body.tools ?? []).map((tool) => tool.function.name);
  if (names.length === 0) {
    for (const param of ['tool_choice', 'parallel_tool_calls'] as const)
      if (body[param] !== undefined)
        throw marketError('invalid_request', `'${param}' is only allowed when 'tools' are given.`, { param });
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined)
    throw marketError('invalid_request', `Two tools are named '${twice}'; names must be unique.`, { param: 'tools' });
  const choice = body.tool_choice;
  if (typeof choice === 'object' && !names.includes(choice.function.name))
    throw marketError('invalid_request', `tool_choice names '${choice.function.name}', which is not in 'tools'.`, {
      param: 'tool_choice',
    });
  for (const { param, schema } of requestSchemas(body)) {
    const compiled = compileJsonSchema(schema);
    if (!compiled.ok) throw marketError('invalid_request', `${param} ${compiled.message}.`, { param });
  }
}
