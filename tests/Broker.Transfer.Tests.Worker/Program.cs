using Broker.Transfer.Tests.Worker;

// One side of a transfer as its own process (see README.md): host, pull or push.
if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: Broker.Transfer.Tests.Worker host|pull|push name=value…");
    return 2;
}

var arguments = new WorkerArguments(args.Skip(1));
switch (args[0])
{
    case "host":
        await WorkerCommands.HostAsync(arguments);
        return 0;
    case "pull":
        await WorkerCommands.PullAsync(arguments);
        break;
    case "push":
        await WorkerCommands.PushAsync(arguments);
        break;
    default:
        await Console.Error.WriteLineAsync($"unknown command {args[0]}");
        return 2;
}

Console.WriteLine("done");
return 0;
