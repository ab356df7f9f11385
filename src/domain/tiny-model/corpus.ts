// The text the tiny model's vocabulary and bigram backbone are trained on. Paragraphs are separated by "\n";
// each paragraph ends a "reply", so the model learns to stop after a sentence as a chat model would.
export const TRAINING_CORPUS = [
  'The market is a place where hosts sell tokens and buyers pay for them. Every token is counted by the market, and every price is set by demand.',
  'A host runs an open model on its own machine. The market sends it a request, the host streams the answer back, and the buyer reads the words as they come.',
  'The ledger keeps every balance in nano units. Each transaction is balanced, so no money is made and no money is lost.',
  'The model was trained on a small text about the market. It is a tiny model, and it speaks in short sentences about tokens, prices and hosts.',
  'The verifier takes a sample of the answers and scores them again on a reference copy of the model. When the scores are far apart, the host is flagged.',
  'The quick brown fox jumps over the lazy dog. The dog was not amused, and the fox ran back into the woods.',
  'A buyer asks a question and the model answers. The answer is short, the price is fair, and the tokens are paid for at the end of the request.',
  'Hosts earn their share at the end of each epoch. The market keeps a part as a fee, and the rest is paid to the hosts who served the tokens.',
  'When a host fails, the market sends the request to another host. The buyer does not notice, and the answer still comes back in time.',
  'Hello! I am a small model that runs on the market. I can tell you about tokens, prices, hosts and the ledger.',
].join('\n');
