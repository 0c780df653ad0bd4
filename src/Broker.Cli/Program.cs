using Broker.Cli;

return await BrokerCtl.RunAsync(args, CliEnvironment.FromConsole(), CancellationToken.None);
