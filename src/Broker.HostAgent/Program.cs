using Broker.HostAgent;

return await HostAgentCommandLine.Create().Parse(args).InvokeAsync();
