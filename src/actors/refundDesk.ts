import { createHash } from 'node:crypto';
import { tool, type FunctionTool } from '@openai/agents';
import { z } from 'zod';

/**
 * The refund desk's `issue_refund` tool: issues a refund for an order. It needs approval
 * (`needsApproval: true`), so every call waits for someone to approve it before it runs. Its
 * result is deterministic (the refund id derives from the order and amount).
 * @example
 * ```ts
 * createAgent('support', { tools: [issueRefundTool()] });
 * ```
 */
export function issueRefundTool(): FunctionTool<unknown, never> {
  return tool({
    name: 'issue_refund',
    description: 'Issue a refund to the customer for an order. A person approves every refund before it is issued.',
    parameters: z.object({
      orderId: z.string().describe('The order to refund'),
      amount: z.number().describe('Amount to refund, in the order currency'),
      reason: z.string().describe('Why the customer is refunded'),
    }),
    needsApproval: true,
    execute: ({ orderId, amount }) => {
      const refundId = `rf_${createHash('sha256').update(`${orderId}|${amount}`).digest('hex').slice(0, 10)}`;
      return { status: 'issued', refundId, orderId, amount };
    },
  });
}
