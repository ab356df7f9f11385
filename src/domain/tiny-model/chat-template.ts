// ChatML, the template the tiny model is trained around; node-llama-cpp detects it, llama-server renders it,
// and the market renders it with @huggingface/jinja to count prompt tokens.
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
