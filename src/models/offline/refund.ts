import type { AgentOutputItem } from '@openai/agents';
import type { Conversation } from './conversation.js';

/** The tool the offline model treats as a refund desk's. */
export const REFUND_TOOL = 'issue_refund';

const ASKS_REFUND = /\brefund/i;

/** The order id (`#A1234`, `order 1234`) and amount (`$40`, `40 EUR`) a request names. */
function refundArgs(topic: string): { orderId: string; amount: number; reason: string } {
  const order = /#\s*([A-Za-z0-9-]+)|\border\s+(?:no\.?\s*|number\s*)?([A-Za-z0-9-]*\d[A-Za-z0-9-]*)/i.exec(topic);
  const amount = /(?:[$€£]\s*(\d+(?:\.\d{1,2})?))|(\d+(?:\.\d{1,2})?)\s*(?:usd|eur|gbp|dollars?|euros?)\b/i.exec(topic);
  return {
    orderId: order?.[1] ?? order?.[2] ?? 'unknown',
    amount: Number(amount?.[1] ?? amount?.[2] ?? 0),
    reason: topic.trim().slice(0, 200),
  };
}

/** A tool result as JSON, when it is JSON. */
function parsed(output: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(output);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const money = (amount: unknown) => (typeof amount === 'number' && amount > 0 ? `$${amount.toFixed(2)}` : 'the amount');

/** The support agent's answer once the refund tool answered: issued, or rejected with the reason. */
function answerAfter(output: string, args: ReturnType<typeof refundArgs>): string {
  const result = parsed(output);
  if (result?.status === 'rejected') {
    const reason = typeof result.reason === 'string' ? result.reason : 'no reason given';
    return `I'm sorry, the refund for order ${args.orderId} was not issued: it was rejected (${reason}). If you believe this is a mistake, reply with more details and we will look at it again.`;
  }
  const id = typeof result?.refundId === 'string' ? ` (refund ${result.refundId})` : '';
  const amount = money(result?.amount ?? args.amount);
  return `Your refund of ${amount} for order ${args.orderId} has been issued${id}. It should reach your account within 5 to 10 business days.`;
}

/**
 * The offline support agent of a refund desk, when the agent has the refund tool: a request that
 * asks for a refund gets an `issue_refund` call (order and amount read from the request), and
 * after the tool's result an answer that says the refund was issued or, when the call was
 * rejected, that it was not and why. Requests that ask for no refund get a plain answer.
 * Returns undefined when the agent has no refund tool.
 */
export function refundDeskTurn(
  tools: readonly string[],
  conversation: Conversation,
  call: (name: string, args: string) => AgentOutputItem,
  say: (text: string) => AgentOutputItem,
): AgentOutputItem[] | undefined {
  if (!tools.includes(REFUND_TOOL)) return undefined;
  const args = refundArgs(conversation.topic);
  const result = conversation.toolResults.get(REFUND_TOOL);
  if (result !== undefined) return [say(answerAfter(result, args))];
  if (ASKS_REFUND.test(conversation.topic)) return [call(REFUND_TOOL, JSON.stringify(args))];
  return [say(`Thanks for reaching out. I can help with orders and refunds; tell me the order number and what went wrong, and whether you would like a refund.`)];
}
