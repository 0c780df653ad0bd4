using Broker.Cli;

return await BrokerCtl.Create().Parse(args).InvokeAsync();
