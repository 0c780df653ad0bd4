using Spectre.Console;

namespace Broker.Cli.Admin;

/// <summary>
/// What <c>brokerctl admin</c> talks to besides the output streams: environment variables (which
/// also locate the config file), the HTTP handler requests go through, standard input (for
/// <c>--password-stdin</c>) and whether standard output is a terminal. Injected so tests run the
/// commands in-process against an in-process broker.
/// </summary>
internal sealed class AdminEnvironment
{
    /// <summary>Reads an environment variable; null when it is not set.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Makes the handler of one command's HTTP client (the client disposes it). It must not follow redirects.</summary>
    public required Func<HttpMessageHandler> CreateHandler { get; init; }

    /// <summary>Standard input.</summary>
    public required TextReader Input { get; init; }

    /// <summary>Asks the person at the terminal for a secret without echoing it; null when nobody can be asked (input is not a terminal).</summary>
    public required Func<string, string?> AskSecret { get; init; }

    /// <summary>True when standard output is a terminal: lists are drawn as tables, not plain lines.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>The process's environment, a plain HTTP stack and the console.</summary>
    public static AdminEnvironment FromProcess() => new()
    {
        GetVariable = Environment.GetEnvironmentVariable,
        CreateHandler = () => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false },
        Input = Console.In,
        AskSecret = prompt => Console.IsInputRedirected ? null : AnsiConsole.Prompt(new TextPrompt<string>(prompt).Secret()),
        OutputIsTerminal = !Console.IsOutputRedirected,
    };
}
