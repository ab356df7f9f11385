// The ChatML template, rendered by a plain function instead of the jinja interpreter (the interpreter costs the paid
// path tens of microseconds per request). Used only when a model's template is exactly this text; any other template
// goes through jinja. A property test holds the two renderings equal.
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function renderChatML(messages: ReadonlyArray<{ role: string; content: string }>): string {
  let text = '';
  for (const m of messages) text += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  return `${text}<|im_start|>assistant\n`;
}
