using Broker.ClientAgent;

return await ClientAgentCommandLine.Create().Parse(args).InvokeAsync();
