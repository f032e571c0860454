import { mcpToFunctionTool, type FunctionTool, type MCPServer } from '@openai/agents';
import type { EventData } from '../events/catalogue.js';
import { AigenError } from '../errors.js';
import { recordingTool, type ToolScope } from './recordingTool.js';
import { toJson } from './recordingModel.js';

/** A tool as an MCP server lists it (the fields recorded in McpToolsListed). */
type ListedTool = EventData<'McpToolsListed'>['tools'][number];

/** Re-execution that may not contact MCP servers found no recorded tool list of a server. */
export class McpListingNotRecordedError extends AigenError {
  readonly code = 'MCP_LISTING_NOT_RECORDED';
  readonly kind = 'user' as const;
  constructor(server: string, stepId: string) {
    super(`no tool list of MCP server '${server}' is recorded for step ${stepId}: replay does not contact MCP servers`);
  }
}

/** An MCP server option aigen cannot honour from a recorded tool list. */
export class McpServerUnsupportedError extends AigenError {
  readonly code = 'MCP_SERVER_UNSUPPORTED';
  readonly kind = 'user' as const;
  constructor(server: string, what: string) {
    super(`MCP server '${server}': ${what}`);
  }
}

/** The step attempt whose agent uses MCP servers. */
export interface McpScope extends ToolScope {
  attempt: number;
  /** False when re-execution may not contact servers (replay --verify): tools come from the log only. */
  live: boolean;
}

/** An agent's MCP tools for one step attempt, and what closes the connections it opened. */
export interface McpTools {
  tools: FunctionTool<unknown, never>[];
  close(): Promise<void>;
}

/** Connects each server at most once per step attempt, only when it is needed; closes those it opened. */
class Connections {
  private readonly opened = new Map<MCPServer, Promise<void>>();

  ensure(server: MCPServer): Promise<void> {
    let ready = this.opened.get(server);
    if (!ready) this.opened.set(server, (ready = server.connect()));
    return ready;
  }

  async close(): Promise<void> {
    await Promise.all([...this.opened].map(([server, ready]) => ready.then(() => server.close()).catch(() => undefined)));
    this.opened.clear();
  }
}

/** The names a static tool filter lets through; a filter function cannot be honoured from a recorded list. */
function filtered(server: MCPServer, tools: ListedTool[]): ListedTool[] {
  const filter = server.toolFilter;
  if (filter === undefined) return tools;
  if (typeof filter === 'function') throw new McpServerUnsupportedError(server.name, 'a toolFilter function cannot be replayed from the log; use a static filter ({ allowedToolNames, blockedToolNames })');
  return tools.filter((t) => (!filter.allowedToolNames || filter.allowedToolNames.includes(t.name)) && !filter.blockedToolNames?.includes(t.name));
}

/**
 * The tools an agent's MCP servers offer, as recorded function tools of the step: each server's
 * list is McpToolsListed (live: listed from the server, which is connected for it; re-execution
 * that may not contact servers: the recorded list), and each call is ToolCalled/ToolReturned with
 * the server's name. A re-execution that lists live is compared with the log like any event, so a
 * server whose tools changed is a divergence. A server is connected only when it is needed (a
 * listing, a live call) and closed with {@link McpTools.close}.
 */
export async function mcpTools(servers: readonly MCPServer[], scope: McpScope): Promise<McpTools> {
  const connections = new Connections();
  const tools: FunctionTool<unknown, never>[] = [];
  try {
    for (const server of servers) {
      const recorded = scope.answers?.mcpTools(scope.stepId, scope.attempt, server.name);
      let listed: ListedTool[];
      if (scope.live) {
        await connections.ensure(server);
        listed = (await server.listTools()).map((t) => toJson({ name: t.name, description: t.description, inputSchema: t.inputSchema }) as ListedTool);
      } else if (recorded) {
        listed = recorded;
      } else {
        throw new McpListingNotRecordedError(server.name, scope.stepId);
      }
      scope.recorder.record('McpToolsListed', { stepId: scope.stepId, attempt: scope.attempt, server: server.name, tools: listed }, { actorId: scope.actorId });
      for (const t of filtered(server, listed)) {
        const sdk = mcpToFunctionTool(
          { name: t.name, description: t.description ?? '', inputSchema: t.inputSchema as never },
          server,
          false,
        ) as unknown as FunctionTool<unknown, never>;
        // A call answered from the log never reaches this: the server is connected only for a live one.
        const connected: FunctionTool<unknown, never> = {
          ...sdk,
          invoke: async (runContext, input, details) => {
            await connections.ensure(server);
            return sdk.invoke(runContext, input, details);
          },
        };
        tools.push(recordingTool(connected, scope, { server: server.name }));
      }
    }
  } catch (err) {
    await connections.close();
    throw err;
  }
  return { tools, close: () => connections.close() };
}
